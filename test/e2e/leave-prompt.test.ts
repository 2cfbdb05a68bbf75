/**
 * The beforeunload intent (a lease signal) against a real "leave this page?" prompt, in a real
 * Chromium against the stack `npm start` runs. A page script asks for the prompt (added after
 * the element, so the element cannot see it when its own beforeunload listener runs); the
 * shopper answers.
 *
 * - stays, after thinking longer than the relay's intent grace: no cancel, ever, and the
 *   session is still live (the prompt blocks the page, so a revoke could only come after the
 *   answer: the element sends no intent at all when any handler asked for a prompt);
 * - leaves: cancelled once, by the pagehide cancel;
 * - no prompt asked for: the intent shortens the lease to its grace, the pagehide cancel
 *   follows, one provider cancel.
 *
 * Tab closes go through the DevTools protocol's Page.close, which runs beforeunload and raises
 * the real prompt. (Playwright's page.close({runBeforeUnload: true}) skips beforeunload with
 * this Chromium: verified here, only pagehide ran.) The prompt needs the page to have had a
 * user gesture, hence a click first.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dialog, Page } from 'playwright-core';
import { RELAY_DEFAULTS } from '../../src/relay/index.js';
import { elementState, isCancelled, openCheckout, relayLog, relayLogFor, settleThenRead, useStackAndChromium, waitForCancelled } from './support.js';

const env = useStackAndChromium();

/** The demo relay runs with the default grace; a shopper who takes longer than it to answer. */
const SLOW_ANSWER_MS = RELAY_DEFAULTS.intentGraceMs + 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** As a page script with unsaved changes would do; added after the element's own listener. */
async function askForLeavePrompt(page: Page): Promise<void> {
  await page.evaluate("addEventListener('beforeunload', function (event) { event.preventDefault(); event.returnValue = ''; })");
}

/** Closes the tab as the shopper would, running beforeunload (and any prompt). */
async function closeTab(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  // Resolves once the prompt is answered, or never if the page is gone: not awaited.
  void cdp.send('Page.close').catch(() => undefined);
}

function answerPrompt(page: Page, answer: 'stay' | 'leave', afterMs: number): Promise<Dialog> {
  return new Promise((resolve) => {
    page.once('dialog', async (dialog) => {
      await sleep(afterMs);
      await (answer === 'stay' ? dialog.dismiss() : dialog.accept());
      resolve(dialog);
    });
  });
}

/** The relay's cancel audit lines for the session: what asked for it, by which rule, and the outcome. */
function cancelsSeen(sessionId: string): string[] {
  return relayLog
    .filter((line) => line.sessionId === sessionId && line.type === 'bank-pay.cancel')
    .map((line) => `${String(line.reason)}:${String(line.rule)}:${String(line.outcome)}`);
}

describe('a leave prompt raised by the page', () => {
  test('the shopper stays, after thinking longer than the grace: nothing is cancelled', async () => {
    const context = await env.browser.newContext();
    const { page, sessionId } = await openCheckout(context, env.stack);
    await page.locator('h1[data-text="title"]').click();
    await askForLeavePrompt(page);
    const answered = answerPrompt(page, 'stay', SLOW_ANSWER_MS);
    await closeTab(page);
    const dialog = await answered;
    assert.equal(dialog.type(), 'beforeunload');
    assert.equal(page.isClosed(), false);
    const record = await settleThenRead(env.stack, sessionId, RELAY_DEFAULTS.intentGraceMs + 1500);
    assert.equal(record.session.status, 'Initiated', relayLogFor(sessionId));
    assert.equal(record.cancelCalls, 0);
    assert.deepEqual(cancelsSeen(sessionId), [], 'no cancel, neither asked for nor by the lease');
    assert.equal(await elementState(page), 'active');
    await context.close();
  });

  test('the shopper leaves: cancelled once, by the pagehide cancel', async () => {
    const context = await env.browser.newContext();
    const { page, sessionId } = await openCheckout(context, env.stack);
    await page.locator('h1[data-text="title"]').click();
    await askForLeavePrompt(page);
    const answered = answerPrompt(page, 'leave', 200);
    await closeTab(page);
    await answered;
    const record = await waitForCancelled(env.stack, sessionId);
    assert.ok(isCancelled(record.session.status), relayLogFor(sessionId));
    assert.equal(record.session.statusDetails, 'EFT0501');
    assert.equal(record.cancelCalls, 1);
    assert.deepEqual(cancelsSeen(sessionId), ['page-unload:confirm:cancelled']);
    await context.close();
  });
});

describe('closing the tab with no prompt asked for', () => {
  test('the pagehide cancel goes at once, one provider cancel; the intent, when its grace ends, adds none', async () => {
    const context = await env.browser.newContext();
    const { page, sessionId } = await openCheckout(context, env.stack);
    await page.locator('h1[data-text="title"]').click();
    await closeTab(page);
    const record = await waitForCancelled(env.stack, sessionId);
    assert.ok(isCancelled(record.session.status), relayLogFor(sessionId));
    // Past the grace: the intent's deadline finds the ledger entry closed and cancels nothing more.
    const later = await settleThenRead(env.stack, sessionId, RELAY_DEFAULTS.intentGraceMs + 1000);
    assert.equal(later.cancelCalls, 1);
    // The intent is a signal, never a cancel line; the sweeper made none.
    const cancels = cancelsSeen(sessionId);
    assert.equal(cancels[0], 'page-unload:confirm:cancelled', cancels.join(', '));
    assert.ok(!cancels.some((line) => line.startsWith('lease:')), cancels.join(', '));
    await context.close();
  });
});
