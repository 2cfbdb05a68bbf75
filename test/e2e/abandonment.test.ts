/**
 * Every kind of abandonment, driven in a real Chromium against the stack `npm start` runs:
 * each must end with the provider session Cancelled / EFT0501 after exactly one cancel call.
 * Each case runs in a fresh browser context.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isCancelled, openCheckout, waitForCancelled, type SandboxSessionRecord, useStackAndChromium } from './support.js';

const env = useStackAndChromium();

function assertCancelledOnce(record: SandboxSessionRecord): void {
  assert.ok(isCancelled(record.session.status), `expected Cancelled, got ${record.session.status}`);
  assert.equal(record.session.statusDetails, 'EFT0501');
  assert.equal(record.cancelCalls, 1, `expected exactly one cancel call, got ${record.cancelCalls}`);
}

describe('abandonment cancels the provider session once', () => {
  test('the element close button', async () => {
    const context = await env.browser.newContext();
    const { page, sessionId } = await openCheckout(context, env.stack);
    await page.locator('bank-pay-session [part~="close-button"]').click();
    const confirm = page.locator('bank-pay-session [part~="confirm-button"]');
    if (await confirm.count()) await confirm.click();
    assertCancelledOnce(await waitForCancelled(env.stack, sessionId));
    await page.waitForFunction(() => document.querySelector('bank-pay-session')?.getAttribute('state') === 'cancelled');
    await context.close();
  });

  test('an in-page (SPA) route change that removes the element', async () => {
    const context = await env.browser.newContext();
    const { page, sessionId } = await openCheckout(context, env.stack);
    await page.locator('#spa-route').click();
    assert.equal(new URL(page.url()).pathname, '/shop');
    assertCancelledOnce(await waitForCancelled(env.stack, sessionId));
    await context.close();
  });

  test('following a link to another site', async () => {
    const context = await env.browser.newContext();
    const { page, sessionId } = await openCheckout(context, env.stack);
    await Promise.all([page.waitForURL(/elsewhere\.html/), page.locator('#leave-link').click()]);
    assert.notEqual(new URL(page.url()).origin, new URL(env.stack.demoUrl).origin);
    assertCancelledOnce(await waitForCancelled(env.stack, sessionId));
    await context.close();
  });

  test('reloading the page', async () => {
    const context = await env.browser.newContext();
    const { page, sessionId } = await openCheckout(context, env.stack);
    await page.reload();
    assertCancelledOnce(await waitForCancelled(env.stack, sessionId));
    const newSession = await page.waitForFunction(() => window.__bpsDemo?.session.sessionId);
    assert.notEqual(await newSession.jsonValue(), sessionId, 'the reloaded page starts a new session');
    await context.close();
  });

  test('closing the tab', async () => {
    const context = await env.browser.newContext();
    const { page, sessionId } = await openCheckout(context, env.stack);
    await page.close({ runBeforeUnload: true });
    assertCancelledOnce(await waitForCancelled(env.stack, sessionId));
    await context.close();
  });

  test('closing the whole browser context (window)', async () => {
    const context = await env.browser.newContext();
    const { sessionId } = await openCheckout(context, env.stack);
    await context.close();
    assertCancelledOnce(await waitForCancelled(env.stack, sessionId));
  });

  test('navigating away into the back/forward cache, then back', async () => {
    const context = await env.browser.newContext();
    const { page, sessionId } = await openCheckout(context, env.stack);
    await page.evaluate(() => {
      window.addEventListener('pagehide', (event) => sessionStorage.setItem('persisted', String(event.persisted)));
    });
    await page.goto(new URL('/demo/elsewhere.html', env.stack.demoUrl).toString());
    assertCancelledOnce(await waitForCancelled(env.stack, sessionId));
    await page.goBack({ waitUntil: 'commit' }); // a restore from the cache fires no load event
    const restoredFromCache = await page.evaluate(() => sessionStorage.getItem('persisted') === 'true');
    assert.ok(restoredFromCache, 'the checkout entered the back/forward cache');
    // Same document, restored: the element re-checked the status and shows that the session ended.
    await page.waitForFunction(() => document.querySelector('bank-pay-session')?.getAttribute('state') === 'cancelled');
    assert.equal(await page.evaluate(() => window.__bpsDemo?.session.sessionId), sessionId);
    assert.equal((await waitForCancelled(env.stack, sessionId)).cancelCalls, 1, 'the restore sent no second cancel');
    await context.close();
  });
});
