/**
 * One delivery trial: a fresh browser context, the variant's checkout, the abandoning action,
 * and the sandbox's own record of when (and whether) the cancel arrived.
 *
 * Latency = the sandbox's history time of the first cancel call minus a Date.now() taken in
 * Node just before the action; both clocks are this machine's.
 */
import type { Browser, Page } from 'playwright-core';
import type { RunningStack } from '../../demo/stack.js';
import { firstCancelAt, sandboxSession, type SandboxSessionRecord } from '../../test/e2e/support.js';
import { launchKillableChromium } from '../../test/e2e/dying.js';
import { KINDS, type AbandonmentKind } from './kinds.js';
import { openVariant, type Variant } from './variants.js';

export interface TrialTiming {
  /** Longest wait for the cancel while the page is still open, before the context closes. */
  readonly windowMs: number;
  /** Wait for the cancel when the page is already gone (the final read catches later ones). */
  readonly quickWaitMs: number;
  readonly pollMs: number;
}

export interface TrialRecord {
  readonly variant: Variant;
  readonly kind: AbandonmentKind;
  readonly sessionId: string;
  /** Date.now() just before the action. */
  readonly actionAt: number;
  /** Date.now() just before the trial's context was closed. */
  readonly cleanupAt: number;
  readonly enteredBfcache?: boolean;
  /** The page could not be opened or the action failed; the trial still counts if a session existed. */
  readonly error?: string;
}

export interface TrialOutcome extends TrialRecord {
  readonly delivered: boolean;
  readonly latencyMs?: number;
  readonly cancelCalls: number;
  /** What sent the session's first cancel (the relay's audit line): `page-unload`, `page-gone`, `lease`, ... */
  readonly cause?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


async function firstHeartbeatAnswered(page: Page): Promise<void> {
  await page.waitForFunction(
    () => performance.getEntriesByType('resource').some((entry) => entry.name.includes('/signals') && (entry as PerformanceResourceTiming).responseEnd > 0),
    undefined,
    { timeout: 10_000, polling: 20 },
  );
}

/** Polls the sandbox until the session got a cancel call, or `waitMs` ran out. */
export async function waitForCancelCall(stack: RunningStack, sessionId: string, waitMs: number, pollMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if ((await sandboxSession(stack, sessionId)).cancelCalls > 0) return;
    await sleep(pollMs);
  }
}

export async function runTrial(
  browser: Browser,
  stack: RunningStack,
  variant: Variant,
  kind: AbandonmentKind,
  timing: TrialTiming,
): Promise<TrialRecord | undefined> {
  const spec = KINDS[kind];
  const chromium = spec.ownBrowser ? await launchKillableChromium() : undefined;
  const context = await (chromium?.browser ?? browser).newContext();
  const cleanup = async () => {
    await context.close().catch(() => undefined);
    await chromium?.close();
  };
  let sessionId = '';
  let actionAt = 0;
  let enteredBfcache: boolean | undefined;
  let error: string | undefined;
  try {
    const opened = await openVariant(context, stack, variant, spec.mode);
    sessionId = opened.sessionId;
    const ready = { page: opened.page, context, variant, stack };
    const flowWindow = await spec.prepare?.(ready);
    // A page that dies without a word is measured once the relay holds its lease: its first
    // heartbeat answered. (One that dies sooner is the start allowance's case, minutes later.)
    if (spec.silent && variant === 'element') await firstHeartbeatAnswered(opened.page);
    actionAt = Date.now();
    const result = await spec.act({ ...ready, flowWindow, ...(chromium ? { chromium } : {}) });
    enteredBfcache = result.enteredBfcache;
    actionAt = result.actedAt ?? actionAt;
  } catch (caught) {
    error = caught instanceof Error ? caught.message.split('\n')[0] : String(caught);
  }
  if (!sessionId || !actionAt) {
    await cleanup();
    return undefined; // never got as far as abandoning anything: not a trial
  }
  // A silent death is judged at the end, a lease later: no wait here.
  if (!spec.silent) await waitForCancelCall(stack, sessionId, spec.pageStays ? timing.windowMs : timing.quickWaitMs, timing.pollMs);
  const cleanupAt = Date.now();
  await cleanup();
  return {
    variant,
    kind,
    sessionId,
    actionAt,
    cleanupAt,
    ...(enteredBfcache === undefined ? {} : { enteredBfcache }),
    ...(error ? { error } : {}),
  };
}

/**
 * Reads what the sandbox recorded for a finished trial. A cancel counts when it came after
 * the action and, if the page was still open, before the trial closed it (closing runs the
 * page's unload handlers, which is another abandonment, not this one).
 */
export async function judgeTrial(stack: RunningStack, trial: TrialRecord, windowMs: number, cause?: string): Promise<TrialOutcome> {
  const record = await sandboxSession(stack, trial.sessionId);
  const latencyMs = cancelLatency(record, trial, KINDS[trial.kind].pageStays, windowMs);
  return {
    ...trial,
    delivered: latencyMs !== undefined,
    ...(latencyMs === undefined ? {} : { latencyMs }),
    cancelCalls: record.cancelCalls,
    ...(cause ? { cause } : {}),
  };
}

/**
 * Milliseconds from the action to the session's first cancel, when that cancel counts for the
 * trial: after the action, within `windowMs` of it, and, if the page stayed open, before the
 * trial closed it. The window keeps out the relay's own clean-up of sessions whose page never
 * signalled (the naive pages' among them), which comes minutes later and is not the page's doing.
 */
export function cancelLatency(
  record: SandboxSessionRecord,
  { actionAt, cleanupAt }: { readonly actionAt: number; readonly cleanupAt: number },
  pageStays: boolean,
  windowMs = Infinity,
): number | undefined {
  const at = firstCancelAt(record);
  return at !== undefined && at >= actionAt && at - actionAt <= windowMs && (!pageStays || at <= cleanupAt) ? at - actionAt : undefined;
}
