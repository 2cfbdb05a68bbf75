/**
 * What must never cancel, in a real Chromium against the real stack: a hidden tab, a
 * completed flow (even when the tab is closed afterwards), a DOM move, and the hosted flow's
 * own steps. And the two closes that must: the hosted flow's own close, and the element's.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  elementState,
  hostedFrame,
  isCancelled,
  openCheckout,
  relayLogFor,
  sandboxSession,
  setPageVisibility,
  settleThenRead,
  startE2EStack,
  useStackAndChromium,
  waitForCancelled,
  walkToReview,
} from './support.js';

const env = useStackAndChromium();

describe('what never cancels', () => {
  test('switching to another tab and back (visibility hidden)', async () => {
    const context = await env.browser.newContext();
    const { page, sessionId } = await openCheckout(context, env.stack);
    const other = await context.newPage();
    await other.goto('about:blank');
    await other.bringToFront();
    await setPageVisibility(page, 'hidden');
    const whileHidden = await settleThenRead(env.stack, sessionId);
    assert.equal(whileHidden.cancelCalls, 0, `nothing is sent while the tab is hidden: ${JSON.stringify(whileHidden.history)}`);
    await page.bringToFront();
    await setPageVisibility(page, 'visible');
    const record = await settleThenRead(env.stack, sessionId);
    assert.equal(record.session.status, 'Initiated', relayLogFor(sessionId));
    assert.equal(record.cancelCalls, 0);
    assert.equal(await elementState(page), 'active');
    await context.close();
  });

  test('completing the hosted flow, then closing the tab', async () => {
    const context = await env.browser.newContext();
    const { page, sessionId } = await openCheckout(context, env.stack);
    const frame = await hostedFrame(page);
    await walkToReview(frame);
    await frame.getByRole('button', { name: 'Authorize payment' }).click();
    await page.waitForFunction(() => document.querySelector('bank-pay-session')?.getAttribute('state') === 'completed');
    await page.close({ runBeforeUnload: true });
    const record = await settleThenRead(env.stack, sessionId);
    assert.equal(record.session.status, 'Completed');
    assert.equal(record.session.statusDetails, 'EFT0301');
    assert.equal(record.cancelCalls, 0);
    await context.close();
  });

  test('moving the element within the page', async () => {
    const context = await env.browser.newContext();
    const { page, sessionId } = await openCheckout(context, env.stack);
    await page.locator('#move-element').click();
    assert.equal(await page.evaluate(() => document.querySelector('bank-pay-session')?.parentElement?.id), 'move-target');
    await page.locator('#move-element').click();
    assert.equal(await page.evaluate(() => document.querySelector('bank-pay-session')?.parentElement?.id), 'payment-slot');
    const record = await settleThenRead(env.stack, sessionId);
    assert.equal(record.session.status, 'Initiated', relayLogFor(sessionId));
    assert.equal(record.cancelCalls, 0);
    await context.close();
  });

  test("the hosted flow's own steps, back button and a close attempt the shopper takes back", async () => {
    const context = await env.browser.newContext();
    const { page, sessionId } = await openCheckout(context, env.stack);
    const frame = await hostedFrame(page);
    await walkToReview(frame);
    await frame.getByRole('button', { name: 'Back' }).click();
    await frame.getByRole('button', { name: 'Close and leave the payment' }).click();
    await frame.getByRole('button', { name: 'Stay' }).click();
    const record = await settleThenRead(env.stack, sessionId);
    assert.equal(record.session.status, 'Initiated', relayLogFor(sessionId));
    assert.equal(record.cancelCalls, 0);
    assert.equal(await elementState(page), 'active');
    await context.close();
  });
});

describe('closes that cancel', () => {
  test("the hosted flow's own close (CLOSE) cancels once and shows the timed-out state", async () => {
    const context = await env.browser.newContext();
    const { page, sessionId } = await openCheckout(context, env.stack);
    const frame = await hostedFrame(page);
    await frame.getByRole('button', { name: 'Close and leave the payment' }).click();
    await frame.getByRole('button', { name: 'Leave', exact: true }).click();
    const record = await waitForCancelled(env.stack, sessionId);
    assert.ok(isCancelled(record.session.status));
    assert.equal(record.session.statusDetails, 'EFT0501');
    assert.equal(record.cancelCalls, 1);
    await page.waitForFunction(() => document.querySelector('bank-pay-session')?.getAttribute('state') === 'cancelled');
    await context.close();
  });
});

describe('after the session ends', () => {
  test('the element shows its timed-out state and the hosted page its own error', async () => {
    const context = await env.browser.newContext();
    const { page, sessionId } = await openCheckout(context, env.stack);
    await page.locator('bank-pay-session [part~="close-button"]').click();
    await page.waitForFunction(() => document.querySelector('bank-pay-session')?.getAttribute('state') === 'cancelled');
    const alert = page.locator('bank-pay-session [role="alert"]');
    assert.match((await alert.textContent()) ?? '', /session has ended/);
    assert.equal(await page.locator('bank-pay-session iframe').count(), 0, 'the frame is gone');
    assert.ok(await page.locator('bank-pay-session [part~="restart-button"]').isVisible());

    const direct = await context.newPage();
    await direct.goto(`${env.stack.sandboxUrl}/app/?sessionId=${sessionId}`);
    await direct.waitForSelector('body[data-state="timed-out"]');
    await context.close();
  });

  test('expiry: the element switches to expired by itself, and so does the provider', async () => {
    const shortStack = await startE2EStack({ sessionTimeoutMs: 3000 });
    const context = await env.browser.newContext();
    try {
      const { page, sessionId } = await openCheckout(context, shortStack);
      await page.waitForFunction(() => document.querySelector('bank-pay-session')?.getAttribute('state') === 'expired', undefined, { timeout: 10_000 });
      // The merchant and the provider each start the clock on their side of one request; give
      // the provider the few milliseconds between them.
      let record = await sandboxSession(shortStack, sessionId);
      for (let i = 0; i < 20 && record.session.status !== 'Expired'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        record = await sandboxSession(shortStack, sessionId);
      }
      assert.equal(record.session.status, 'Expired');
      assert.equal(record.session.statusDetails, 'EFT0601');
      assert.equal(record.cancelCalls, 0, 'an expired session is never cancelled');
      const direct = await context.newPage();
      await direct.goto(`${shortStack.sandboxUrl}/app/?sessionId=${sessionId}`);
      await direct.waitForSelector('body[data-state="timed-out"]');
    } finally {
      await context.close();
      await shortStack.close();
    }
  });
});
