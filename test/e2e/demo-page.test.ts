/**
 * The demo checkout as a person sees it: screenshots kept as test artifacts (desktop and phone
 * width), no console errors, the whole flow in French without an English word, every state
 * saying what is happening, the in-page route, the live panel, and the same checkout in React
 * and Vue.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { STRINGS } from '../../src/element/strings.js';
import { hostedStrings } from '../../src/sandbox/hosted/strings.js';
import { formatMoney, ORDER_SUMMARY } from '../../demo/order.js';
import { freePort } from '../../demo/free-port.js';
import { DEMO_STRINGS } from '../../demo/strings.js';
import { axeViolations } from '../support/axe.js';
import { CHROMIUM_ARGS, chromiumPath } from '../support/chromium.mjs';
import { completeHostedFlow, hostedFrame, isCancelled, openCheckout, relayLog, startE2EStack, useStackAndChromium, waitForCancelled } from './support.js';

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

const TOTAL_CENTS = ORDER_SUMMARY.find((row) => row.kind === 'total')!.cents;

/** What the page logged as warnings (Vue's missing feature flags, for one). */
function consoleWarnings(page: Page): string[] {
  const warnings: string[] = [];
  page.on('console', (message) => {
    // Lit says once that it runs in development mode; that is what the dev server serves.
    if (message.type() === 'warning' && !/Lit is in dev mode/.test(message.text())) warnings.push(message.text());
  });
  return warnings;
}

async function elementAttribute(page: Page, name: string): Promise<string | null> {
  return page.evaluate((attribute) => document.querySelector('bank-pay-session')?.getAttribute(attribute) ?? null, name);
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
    // One amount, written one way: the order summary as the hosted page writes it (fr-CA).
    const total = formatMoney(TOTAL_CENTS, 'fr');
    assert.equal(await page.locator('#order-summary .summary__total dd').textContent(), total);
    assert.ok((await frame.evaluate('document.body.innerText') as string).includes(`${fr.paymentTo} ${total}`), 'the frame shows the same total');
    assert.equal(fr.paymentTo, 'Montant du paiement\u00a0:');

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

  test('while the hosted page loads, the payment card says so', async () => {
    const context = await env.browser.newContext();
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    // Hold the hosted page back, as a slow network would.
    await context.route('**/app/?*', async (route) => {
      await released;
      await route.continue();
    });
    const page = await context.newPage();
    await page.goto(env.stack.demoUrl);
    await page.waitForSelector('bank-pay-session[state="loading"]');
    const progress = page.locator('.payment-progress');
    await progress.waitFor({ state: 'visible' });
    assert.equal((await progress.innerText()).trim(), DEMO_STRINGS.en.loading);
    await page.screenshot({ path: new URL('demo-checkout-loading.png', artifacts).pathname });
    release();
    await page.waitForSelector('bank-pay-session[state="active"]');
    await progress.waitFor({ state: 'hidden' });
    await context.close();
  });

  test('the element\'s cancel and the hosted page\'s close read differently', async () => {
    const context = await env.browser.newContext();
    const { page } = await openCheckout(context, env.stack);
    const frame = await hostedFrame(page);
    const cancel = (await page.locator('bank-pay-session [part~="close-button"]').innerText()).trim();
    const close = frame.locator('#bps-close');
    const closeName = (await close.getAttribute('aria-label')) ?? '';
    const closeText = (await close.innerText()).trim();
    assert.equal(cancel, STRINGS.en.close);
    assert.notEqual(closeText.toLowerCase(), cancel.toLowerCase());
    assert.ok(!/cancel/i.test(closeName) && !/cancel/i.test(closeText), `the hosted close reads "${closeText}" / "${closeName}"`);
    await context.close();
  });

  test('an in-page route change hides the checkout, and the panel shows the cancel land', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const { page, sessionId, consoleErrors } = await openCheckout(context, env.stack);
    await page.locator('#spa-route').click();
    await page.locator('#shop-view').waitFor({ state: 'visible' });
    for (const selector of ['#checkout-view', '#order-summary', '#spa-route', 'bank-pay-session']) {
      assert.equal(await page.locator(selector).isVisible(), false, `${selector} is off screen`);
    }
    const record = await waitForCancelled(env.stack, sessionId);
    assert.ok(isCancelled(record.session.status));
    assert.equal(record.cancelCalls, 1);
    // The panel keeps polling after the route change: the badge shows the provider's answer.
    await page.waitForSelector('#provider-status[data-status="cancelled"]');
    assert.match((await page.locator('#event-log').innerText()), /bps-cancel/);
    await page.screenshot({ path: new URL('demo-checkout-shop.png', artifacts).pathname, fullPage: true });
    assert.deepEqual(consoleErrors, []);
    await context.close();
  });

  test('a completed payment shows a short receipt', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const { page, consoleErrors } = await openCheckout(context, env.stack);
    const session = await page.evaluate(() => window.__bpsDemo!.session);
    await completeHostedFlow(await hostedFrame(page));
    const receipt = page.locator('#receipt');
    await receipt.waitFor({ state: 'visible' });
    assert.equal(await elementAttribute(page, 'state'), 'completed');
    assert.equal(await page.locator('#receipt-order').innerText(), session.referenceId);
    assert.equal(await page.locator('#receipt-amount').innerText(), formatMoney(TOTAL_CENTS, 'en'));
    assert.equal(await page.locator('#receipt-method').innerText(), DEMO_STRINGS.en.productEFT);
    await page.waitForFunction(() => document.getElementById('receipt-status')?.textContent === 'Completed · EFT0301');
    await page.screenshot({ path: new URL('demo-checkout-completed.png', artifacts).pathname, fullPage: true });
    assert.deepEqual(consoleErrors, []);
    await context.close();
  });

  test('the event log: one heading per session, short entries, focusable when it scrolls, and axe finds nothing', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const { page, sessionId } = await openCheckout(context, env.stack);
    const frame = await hostedFrame(page);
    const en = hostedStrings('en');
    // Close attempts taken back: each adds three steps, enough to make the log scroll.
    for (let round = 0; round < 4; round++) {
      await frame.getByRole('button', { name: en.closeLabel }).click();
      await frame.getByRole('button', { name: en.stay, exact: true }).click();
      await frame.waitForSelector('body[data-state="bank"]');
    }
    const log = page.locator('#event-log');
    await page.waitForFunction(() => document.querySelectorAll('#event-log li li').length >= 15);
    assert.ok(await log.evaluate((list) => list.scrollHeight > list.clientHeight), 'the log overflows');
    assert.equal(await log.getAttribute('tabindex'), '0');
    const text = await log.innerText();
    assert.ok(!text.includes(sessionId), 'entries do not repeat the session id');
    assert.equal(await page.locator('#event-log .event-log__session').count(), 1);
    assert.deepEqual(await axeViolations(page), []);
    await context.close();
  });

  async function openFramework(context: BrowserContext, path: string) {
    const sessionsBefore = await sandboxSessionCount();
    const opened = await openCheckout(context, env.stack, {}, path);
    // React's StrictMode runs effects twice in development: still one provider session.
    assert.equal((await sandboxSessionCount()) - sessionsBefore, 1, 'the page created exactly one provider session');
    return opened;
  }

  for (const [framework, path] of [['React', '/demo/react.html'], ['Vue', '/demo/vue.html']] as const) {
    test(`the ${framework} checkout: the same page, and switching product unmounts the element, cancelling its session once`, async () => {
      const context = await env.browser.newContext({ viewport: { width: 1280, height: 1000 } });
      let warnings: string[] = [];
      context.on('page', (page) => (warnings = consoleWarnings(page)));
      const { page, sessionId, consoleErrors } = await openFramework(context, path);
      await (await hostedFrame(page)).waitForSelector('h2');
      await page.screenshot({ path: new URL(`demo-checkout-${framework.toLowerCase()}.png`, artifacts).pathname, fullPage: true });
      // The order summary and the abandonment controls of the plain page, shared, not copied.
      assert.equal(await page.locator('#order-summary > div').count(), ORDER_SUMMARY.length);
      assert.equal(await page.locator('#order-summary .summary__total dd').textContent(), formatMoney(TOTAL_CENTS, 'en'));
      for (const id of ['leave-link', 'spa-route', 'new-tab', 'move-element']) assert.ok(await page.locator(`#${id}`).isVisible(), id);
      await page.getByLabel(DEMO_STRINGS.en.productGEFT).check();
      const record = await waitForCancelled(env.stack, sessionId);
      assert.ok(isCancelled(record.session.status));
      assert.equal(record.cancelCalls, 1);
      await page.waitForFunction((old) => {
        const next = window.__bpsDemo?.session.sessionId;
        return next && next !== old && document.querySelector('bank-pay-session')?.getAttribute('state') === 'active';
      }, sessionId);
      assert.deepEqual(consoleErrors, []);
      assert.deepEqual(warnings, [], 'no console warnings (Vue\'s feature flags are defined)');
      await context.close();
    });

    test(`the ${framework} checkout: the in-page route unmounts the component and cancels once`, async () => {
      const context = await env.browser.newContext();
      const { page, sessionId } = await openCheckout(context, env.stack, {}, path);
      await page.locator('#spa-route').click();
      await page.locator('#shop-view').waitFor({ state: 'visible' });
      assert.equal(await page.locator('bank-pay-session').count(), 0, 'the component unmounted');
      const record = await waitForCancelled(env.stack, sessionId);
      assert.ok(isCancelled(record.session.status));
      assert.equal(record.cancelCalls, 1);
      await page.waitForSelector('#provider-status[data-status="cancelled"]');
      await context.close();
    });
  }

  test('with a short lease (BPS_LEASE_SECONDS), the session of a killed browser is cancelled by the relay', async () => {
    const stack = await startE2EStack({ leaseMs: 2000 });
    const server = await chromium.launchServer({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
    try {
      const browser = await chromium.connect(server.wsEndpoint());
      const { sessionId } = await openCheckout(await browser.newContext(), stack);
      // Killed as the system kills it: no page event runs, no beacon and no deferred fetch leave.
      server.process().kill('SIGKILL');
      const record = await waitForCancelled(stack, sessionId, 20_000);
      assert.ok(isCancelled(record.session.status), `still ${record.session.status}`);
      assert.equal(record.cancelCalls, 1);
      const audit = relayLog.filter((line) => line.sessionId === sessionId && line.type === 'bank-pay.cancel');
      assert.deepEqual(audit.map((line) => line.reason), ['lease'], JSON.stringify(audit));
    } finally {
      await server.close().catch(() => undefined);
      await stack.close();
    }
  });

  test('npm start lists every demo page and the variables that move its ports', async () => {
    const ports = { BPS_SANDBOX_PORT: await freePort(), BPS_MERCHANT_PORT: await freePort(), BPS_DEMO_PORT: await freePort() };
    const child = spawn(process.execPath, ['--import', 'tsx', 'demo/start.ts'], {
      cwd: new URL('../..', import.meta.url),
      env: { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])) },
      // stdin open, as in a terminal: Vite stops its server when stdin ends.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', () => /Press Ctrl-C/.test(out) && resolve());
        void exited.then(() => reject(new Error(`npm start exited early:\n${out}`)));
      });
      const demo = `http://localhost:${ports.BPS_DEMO_PORT}`;
      for (const url of [`${demo}/`, `${demo}/demo/react.html`, `${demo}/demo/vue.html`]) assert.ok(out.includes(url), url);
      for (const name of Object.keys(ports)) assert.ok(out.includes(name), name);
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0, out);
  });
});
