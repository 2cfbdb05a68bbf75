/**
 * The demo checkout as a person sees it: screenshots kept as test artifacts (desktop and phone
 * width), no console errors, and the whole flow in French without an English word.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Frame, Page } from 'playwright-core';
import { STRINGS } from '../../src/element/strings.js';
import { hostedStrings } from '../../src/sandbox/hosted/strings.js';
import { DEMO_STRINGS } from '../../demo/strings.js';
import { hostedFrame, isCancelled, openCheckout, useStackAndChromium, waitForCancelled } from './support.js';

const artifacts = new URL('../../test-results/', import.meta.url);
mkdirSync(artifacts, { recursive: true });

const env = useStackAndChromium();

/** Words of the English tables that the French ones do not share ("Total" is both). */
function englishOnly(english: Record<string, string>, french: Record<string, string>): string[] {
  const frenchValues = new Set(Object.values(french));
  return Object.values(english).filter((text) => text.length > 3 && !frenchValues.has(text) && !/[{}]/.test(text));
}

async function visibleText(page: Page, frame: Frame | undefined): Promise<string> {
  const host = await page.evaluate(`document.body.innerText + '\\n' +
    Array.from(document.querySelectorAll('bank-pay-session')).map(function (el) {
      return el.shadowRoot ? el.shadowRoot.textContent + ' ' + Array.from(el.shadowRoot.querySelectorAll('[title],[aria-label]')).map(function (n) { return (n.getAttribute('title') || '') + ' ' + (n.getAttribute('aria-label') || ''); }).join(' ') : '';
    }).join('\\n')`);
  const framed = frame ? await frame.evaluate('document.body.innerText') : '';
  return `${host as string}\n${framed as string}`;
}

// Institution names are proper nouns, the same in both languages.
const PROPER_NOUNS = ['Sandbox Bank', 'Maple Trust', 'Caisse Démo', 'Maple & Co.'];

function assertNoEnglish(rawText: string, english: string[]): void {
  const text = PROPER_NOUNS.reduce((remaining, name) => remaining.replaceAll(name, ''), rawText);
  // Whole words only: "Continue" is not in "Continuer".
  const found = english.filter((phrase) => new RegExp(`(^|[^\\p{L}])${phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'u').test(text));
  assert.deepEqual(found, [], `English text on a French page: ${found.join(' | ')}`);
}

describe('the demo checkout page', () => {
  test('renders cleanly on desktop and phone widths, with no console errors', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const { page, consoleErrors } = await openCheckout(context, env.stack);
    await (await hostedFrame(page)).waitForSelector('h2');
    await page.screenshot({ path: new URL('demo-checkout.png', artifacts).pathname, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: new URL('demo-checkout-phone.png', artifacts).pathname, fullPage: true });
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.equal(overflow, 0, 'no horizontal scrolling at phone width');
    assert.deepEqual(consoleErrors, []);
    await context.close();
  });

  test('the whole flow in French shows no English strings', async () => {
    const english = [
      ...englishOnly({ ...STRINGS.en }, { ...STRINGS.fr }),
      ...englishOnly({ ...hostedStrings('en') }, { ...hostedStrings('fr') }),
      ...englishOnly({ ...DEMO_STRINGS.en }, { ...DEMO_STRINGS.fr }),
    ];
    const fr = hostedStrings('fr');
    const context = await env.browser.newContext({ locale: 'fr-CA' });
    const { page, sessionId, consoleErrors } = await openCheckout(context, env.stack, { lang: 'fr' });
    const frame = await hostedFrame(page);
    assertNoEnglish(await visibleText(page, frame), english);

    await frame.getByRole('button', { name: fr.continue }).click();
    assertNoEnglish(await visibleText(page, frame), english);
    await frame.getByLabel(fr.username).fill('client');
    await frame.getByLabel(fr.password).fill('mot de passe');
    await frame.getByRole('button', { name: fr.continue }).click();
    await frame.getByRole('button', { name: fr.continue }).click();
    await frame.waitForSelector('body[data-state="review"]');
    assertNoEnglish(await visibleText(page, frame), english);

    await frame.getByRole('button', { name: fr.closeLabel }).click();
    assertNoEnglish(await visibleText(page, frame), english);
    await frame.getByRole('button', { name: fr.leave, exact: true }).click();
    assert.ok(isCancelled((await waitForCancelled(env.stack, sessionId)).session.status));
    await page.waitForFunction(() => document.querySelector('bank-pay-session')?.getAttribute('state') === 'cancelled');
    const ended = await visibleText(page, undefined);
    assert.ok(ended.includes(STRINGS.fr.ended), 'the French timed-out message is shown');
    assertNoEnglish(ended, english);
    assert.deepEqual(consoleErrors, []);
    await context.close();
  });

  async function sandboxSessionCount(): Promise<number> {
    const body = (await (await fetch(`${env.stack.sandboxUrl}/sandbox/sessions`)).json()) as { sessions: unknown[] };
    return body.sessions.length;
  }

  for (const [framework, path] of [['React', '/demo/react.html'], ['Vue', '/demo/vue.html']] as const) {
    test(`the ${framework} checkout: renders, and switching product unmounts the element, cancelling its session once`, async () => {
      const context = await env.browser.newContext({ viewport: { width: 1280, height: 1000 } });
      const sessionsBefore = await sandboxSessionCount();
      const { page, sessionId, consoleErrors } = await openCheckout(context, env.stack, {}, path);
      // React's StrictMode runs effects twice in development: still one provider session.
      assert.equal((await sandboxSessionCount()) - sessionsBefore, 1, 'the page created exactly one provider session');
      await (await hostedFrame(page)).waitForSelector('h2');
      await page.screenshot({ path: new URL(`demo-checkout-${framework.toLowerCase()}.png`, artifacts).pathname, fullPage: true });
      await page.getByLabel(DEMO_STRINGS.en.productGEFT).check();
      const record = await waitForCancelled(env.stack, sessionId);
      assert.ok(isCancelled(record.session.status));
      assert.equal(record.cancelCalls, 1);
      await page.waitForFunction((old) => {
        const next = window.__bpsDemo?.session.sessionId;
        return next && next !== old && document.querySelector('bank-pay-session')?.getAttribute('state') === 'active';
      }, sessionId);
      assert.deepEqual(consoleErrors, []);
      await context.close();
    });
  }
});
