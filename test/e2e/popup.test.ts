/**
 * The element's popup mode in a real Chromium against the stack `npm start` runs, the truth
 * read from the sandbox: every way a window session ends, a browser that refuses the window,
 * a provider that refuses frames (`auto` offers the window) and one that sends COOP (the
 * element must not take the cut link for a close). Each case runs in a fresh browser context.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningStack, StackOptions } from '../../demo/stack.js';
import {
  completeHostedFlow,
  elementState,
  isCancelled,
  launchChromium,
  openCheckout,
  relayLogFor,
  sandboxSession,
  settleThenRead,
  startE2EStack,
  waitForCancelled,
  type SandboxSessionRecord,
} from './support.js';

function assertCancelledOnce(record: SandboxSessionRecord, sessionId: string): void {
  assert.ok(isCancelled(record.session.status), `expected Cancelled, got ${record.session.status}: ${relayLogFor(sessionId)}`);
  assert.equal(record.session.statusDetails, 'EFT0501');
  assert.equal(record.cancelCalls, 1, `expected exactly one cancel call, got ${record.cancelCalls}`);
}

function assertCompletedWithoutCancel(record: SandboxSessionRecord, sessionId: string): void {
  assert.equal(record.session.status, 'Completed', relayLogFor(sessionId));
  assert.equal(record.session.statusDetails, 'EFT0301');
  assert.equal(record.cancelCalls, 0, `no cancel may be sent: ${JSON.stringify(record.history)}`);
}

const stateIs = (page: Page, state: string, timeout = 15_000) =>
  page.waitForFunction((wanted) => document.querySelector('bank-pay-session')?.getAttribute('state') === wanted, state, { timeout });

/** The demo checkout in popup mode, at its launcher. */
async function openPopupCheckout(context: BrowserContext, stack: RunningStack): Promise<{ page: Page; sessionId: string }> {
  const page = await context.newPage();
  await page.goto(new URL('/?mode=popup', stack.demoUrl).toString());
  await stateIs(page, 'launch');
  const sessionId = await page.evaluate(() => window.__bpsDemo?.session.sessionId ?? '');
  assert.ok(sessionId, 'the demo page created a session');
  return { page, sessionId };
}

/**
 * Presses the launcher as a shopper does and returns the flow's window once the element has
 * heard from the flow in it (its first step): only then is a close surely a close.
 */
async function openFlowWindow(page: Page, context: BrowserContext, { heard = true } = {}): Promise<Page> {
  const firstStep = heard ? page.evaluate(() => new Promise((resolve) => document.addEventListener('bps-step', resolve, { once: true }))) : undefined;
  const [popup] = await Promise.all([context.waitForEvent('page'), page.locator('bank-pay-session [part~="open-button"]').click()]);
  await popup.waitForSelector('body[data-state="bank"]');
  await firstStep;
  return popup;
}

describe('popup mode (the sandbox frames nothing the element needs)', () => {
  let browser: Browser;
  let stack: RunningStack;
  before(async () => {
    [stack, browser] = await Promise.all([startE2EStack(), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function withContext(body: (context: BrowserContext) => Promise<void>): Promise<void> {
    const context = await browser.newContext();
    try {
      await body(context);
    } finally {
      await context.close();
    }
  }

  test('the shopper closes the window: Cancelled once, and the element shows the timed-out state', () =>
    withContext(async (context) => {
      const { page, sessionId } = await openPopupCheckout(context, stack);
      const popup = await openFlowWindow(page, context);
      assert.equal(await elementState(page), 'window');
      await popup.close();
      assertCancelledOnce(await waitForCancelled(stack, sessionId), sessionId);
      await stateIs(page, 'cancelled');
      assert.match(await page.locator('bank-pay-session [part~="heading"]').innerText(), /Your payment session has ended/);
    }));

  test('completing the payment in the window: Completed, no cancel, the window closed', () =>
    withContext(async (context) => {
      const { page, sessionId } = await openPopupCheckout(context, stack);
      const popup = await openFlowWindow(page, context);
      const closed = popup.waitForEvent('close');
      await completeHostedFlow(popup.mainFrame());
      await stateIs(page, 'completed');
      await closed;
      assertCompletedWithoutCancel(await settleThenRead(stack, sessionId), sessionId);
    }));

  test('the checkout tab closed while the window is open: Cancelled once', () =>
    withContext(async (context) => {
      const { page, sessionId } = await openPopupCheckout(context, stack);
      await openFlowWindow(page, context);
      await page.close({ runBeforeUnload: true });
      // Chromium ignores the window's close() from the closing tab's pagehide: the cancel is what counts.
      assertCancelledOnce(await waitForCancelled(stack, sessionId), sessionId);
    }));

  test('the checkout followed a link to another site while the window is open: Cancelled once, and the window shows it', () =>
    withContext(async (context) => {
      const { page, sessionId } = await openPopupCheckout(context, stack);
      const popup = await openFlowWindow(page, context);
      await Promise.all([page.waitForURL(/elsewhere\.html/), page.locator('#leave-link').click()]);
      assertCancelledOnce(await waitForCancelled(stack, sessionId), sessionId);
      // Chromium ignores close() from a page leaving for another site (as from a closing tab):
      // the window stays, and the flow in it sees the session ended.
      if (!popup.isClosed()) await popup.waitForSelector('body[data-state="timed-out"]');
    }));

  test('the checkout navigated to another page of its site while the window is open: Cancelled once, and the window closed', () =>
    withContext(async (context) => {
      const { page, sessionId } = await openPopupCheckout(context, stack);
      const popup = await openFlowWindow(page, context);
      const closed = popup.waitForEvent('close');
      await page.goto(new URL('/demo/elsewhere.html', stack.demoUrl).toString());
      assertCancelledOnce(await waitForCancelled(stack, sessionId), sessionId);
      await closed;
    }));

  test('the checkout reloaded while the window is open: Cancelled once, and the window closed', () =>
    withContext(async (context) => {
      const { page, sessionId } = await openPopupCheckout(context, stack);
      const popup = await openFlowWindow(page, context);
      const closed = popup.waitForEvent('close');
      await page.reload();
      assertCancelledOnce(await waitForCancelled(stack, sessionId), sessionId);
      await closed;
    }));

  test('an SPA route change removes the element: Cancelled once, and the window closed', () =>
    withContext(async (context) => {
      const { page, sessionId } = await openPopupCheckout(context, stack);
      const popup = await openFlowWindow(page, context);
      const closed = popup.waitForEvent('close');
      await page.locator('#spa-route').click();
      assertCancelledOnce(await waitForCancelled(stack, sessionId), sessionId);
      await closed;
    }));

  test('a browser that refuses the window: the plain link to the flow is offered, and nothing is cancelled', () =>
    withContext(async (context) => {
      const page = await context.newPage();
      await page.goto(new URL('/test/e2e/fixtures/sandboxed-checkout.html?mode=popup', stack.demoUrl).toString());
      const checkout = page.frameLocator('#checkout');
      await checkout.locator('bank-pay-session [part~="open-button"]').click();
      const link = checkout.locator('bank-pay-session [part~="open-link"]');
      await link.waitFor();
      const session = await page.evaluate(() => window.__bpsDemo?.session);
      assert.ok(session, 'the framed checkout created a session');
      assert.equal(await link.getAttribute('href'), session.url);
      assert.equal(await link.getAttribute('target'), '_blank');
      assert.equal(await link.innerText(), 'Continue to your bank');
      assert.equal((await settleThenRead(stack, session.sessionId)).cancelCalls, 0);
    }));
});

/** A stack whose sandbox serves the hosted page with these policies, and one Chromium, for a describe block. */
function useStack(options: StackOptions): { stack: () => RunningStack; browser: () => Browser } {
  let stack: RunningStack;
  let browser: Browser;
  before(async () => {
    [stack, browser] = await Promise.all([startE2EStack(options), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });
  return { stack: () => stack, browser: () => browser };
}

describe('a provider page that refuses every frame (frame-ancestors none)', () => {
  const env = useStack({ sandboxFraming: 'deny' });

  test('auto: the refused frame is replaced by the launcher, and the payment completes through the window', async () => {
    const context = await env.browser().newContext();
    try {
      const stack = env.stack();
      const { page, sessionId } = await openCheckout(context, stack);
      await stateIs(page, 'launch');
      assert.equal(await page.locator('bank-pay-session iframe').count(), 0, 'no broken frame left');
      assert.match(await page.locator('bank-pay-session [part~="heading"]').innerText(), /can’t open here/);
      const popup = await openFlowWindow(page, context);
      await completeHostedFlow(popup.mainFrame());
      await stateIs(page, 'completed');
      assertCompletedWithoutCancel(await settleThenRead(stack, sessionId), sessionId);
    } finally {
      await context.close();
    }
  });

  test('iframe: the refused frame ends in the error state, not a live-looking broken frame', async () => {
    const context = await env.browser().newContext();
    try {
      const page = await context.newPage();
      await page.goto(new URL('/?mode=iframe', env.stack().demoUrl).toString());
      await stateIs(page, 'error');
      assert.equal(await page.locator('bank-pay-session iframe').count(), 0);
      assert.match(await page.locator('bank-pay-session [part~="message"]').innerText(), /Payment page unavailable/);
    } finally {
      await context.close();
    }
  });
});

describe('a provider page that sends Cross-Origin-Opener-Policy: same-origin', () => {
  const env = useStack({ sandboxFraming: 'deny', sandboxCoop: 'same-origin' });

  test('the cut link is not taken for a close: no cancel, and the outcome still reaches the element', async () => {
    const context = await env.browser().newContext();
    try {
      const stack = env.stack();
      const { page, sessionId } = await openPopupCheckout(context, stack);
      // Nothing is heard under COOP: the flow's page has no opener to post to.
      const popup = await openFlowWindow(page, context, { heard: false });
      await stateIs(page, 'detached');
      assert.equal(await popup.evaluate(() => window.opener), null, 'COOP cut the link');
      assert.equal(popup.isClosed(), false, 'the window is still open');
      assert.equal((await settleThenRead(stack, sessionId)).cancelCalls, 0, 'no false cancel');
      await completeHostedFlow(popup.mainFrame());
      // The element learns it from the relay's status, polled while it cannot see the window.
      await stateIs(page, 'completed');
      assertCompletedWithoutCancel(await sandboxSession(stack, sessionId), sessionId);
    } finally {
      await context.close();
    }
  });
});
