/**
 * What must never cancel (docs/element.md, the abandonment table), driven as test/e2e/non-abandonment.test.ts drives it:
 * a tab switch, a completed flow then a tab close, and a DOM move. Each trial counts the
 * cancel calls the sandbox received for its session.
 */
import type { Browser } from 'playwright-core';
import type { RunningStack } from '../../demo/stack.js';
import { completeHostedFlow, hostedFrame, sandboxSession, setPageVisibility } from '../../test/e2e/support.js';
import { openVariant, type Variant } from './variants.js';

export const QUIET_CASES = ['tabSwitch', 'completedThenClose', 'domMove'] as const;
export type QuietCase = (typeof QUIET_CASES)[number];

export const QUIET_CASE_LABELS: Record<QuietCase, string> = {
  tabSwitch: 'tab switch (hidden, then visible again)',
  completedThenClose: 'flow completed, then the tab closed',
  domMove: 'element moved within the page and back',
};

export interface QuietTrial {
  readonly case: QuietCase;
  readonly sessionId: string;
  /** Cancels counted for this trial: before cleanup, or at all for the completed session. */
  readonly cancelCalls: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function cancelsBefore(stack: RunningStack, sessionId: string, before: number): Promise<number> {
  const record = await sandboxSession(stack, sessionId);
  return record.history.filter((entry) => entry.type === 'cancel' && Date.parse(entry.at) <= before).length;
}

async function waitForStatus(stack: RunningStack, sessionId: string, status: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await sandboxSession(stack, sessionId)).session.status !== status) {
    if (Date.now() > deadline) throw new Error(`session ${sessionId} did not become ${status}`);
    await sleep(50);
  }
}

/**
 * One trial. The hold time gives a wrong cancel every chance to land: loopback beacons arrive
 * within tens of milliseconds.
 */
export async function runQuietTrial(
  browser: Browser,
  stack: RunningStack,
  variant: Variant,
  quietCase: QuietCase,
  holdMs: number,
): Promise<QuietTrial> {
  const context = await browser.newContext();
  try {
    const { page, sessionId } = await openVariant(context, stack, variant);
    switch (quietCase) {
      case 'tabSwitch': {
        const other = await context.newPage();
        await other.bringToFront();
        await setPageVisibility(page, 'hidden');
        await sleep(holdMs);
        await page.bringToFront();
        await setPageVisibility(page, 'visible');
        await sleep(holdMs);
        return { case: quietCase, sessionId, cancelCalls: await cancelsBefore(stack, sessionId, Date.now()) };
      }
      case 'domMove': {
        await page.locator('#move-element').click();
        await page.locator('#move-element').click();
        await sleep(holdMs);
        return { case: quietCase, sessionId, cancelCalls: await cancelsBefore(stack, sessionId, Date.now()) };
      }
      case 'completedThenClose': {
        await completeHostedFlow(await hostedFrame(page));
        await waitForStatus(stack, sessionId, 'Completed', 10_000);
        if (variant === 'element') {
          await page.waitForFunction(() => document.querySelector('bank-pay-session')?.getAttribute('state') === 'completed');
        }
        await page.close({ runBeforeUnload: true });
        await sleep(holdMs);
        // The page is gone: every cancel call this session ever got is a wrong one.
        return { case: quietCase, sessionId, cancelCalls: (await sandboxSession(stack, sessionId)).cancelCalls };
      }
    }
  } finally {
    await context.close().catch(() => undefined);
  }
}
