/**
 * The lease, in a real Chromium against the stack `npm start` runs (with a short lease, as
 * `BPS_LEASE_SECONDS` sets it), judged from the sandbox's record:
 *
 * - a page that dies without a word (renderer crash, renderer killed, browser killed, network
 *   lost as the tab closes) is cancelled within the lease plus a stated bound, once, by the
 *   browser's deferred cancel where Chromium can send one, else by the relay's lease;
 * - a shopper who is there, or away in their bank's app, is never cancelled: a page hidden and
 *   frozen for three leases, a page offline for less than a lease, a visible page open for
 *   three leases; nor a completed session whose tab then crashes.
 *
 * Each dying case runs a few times; the latencies go to the test's diagnostics (the bench has
 * the figures).
 */
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { crashRenderer, launchKillableChromium, launchTabbedChromium, setFrozen, setOffline, withholdFetchLater } from './dying.js';
import {
  cancelCause,
  completeHostedFlow,
  elementState,
  firstCancelAt,
  hostedFrame,
  isCancelled,
  openCheckout,
  relayLogFor,
  sandboxSession,
  settleThenRead,
  useStackAndChromium,
  waitForCancelled,
} from './support.js';

const LEASE_MS = 3000;
/**
 * Past a lapsed lease: one sweep (a quarter lease), the provider status read and the cancel
 * call, with room for a loaded machine. The lease itself counts from the last heartbeat, which
 * left at most a quarter lease before the page died.
 */
const BOUND_MS = 2500;
const REPEATS = 3;
const THREE_LEASES_MS = 3 * LEASE_MS + BOUND_MS;

const env = useStackAndChromium({ leaseMs: LEASE_MS });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Death {
  /** Opens the checkout (and whatever the way of dying needs), then kills it; returns when it acted. */
  (): Promise<{ sessionId: string; actedAt: number; cleanup: () => Promise<void> }>;
}

/**
 * Runs one way of dying REPEATS times: each session must be Cancelled (EFT0501) after exactly
 * one provider cancel call, within the lease plus BOUND_MS of the death, by `mechanism`.
 */
async function expectCancelledEveryTime(t: TestContext, die: Death, mechanism: 'page-gone' | 'lease'): Promise<void> {
  const latencies: number[] = [];
  for (let round = 0; round < REPEATS; round++) {
    const { sessionId, actedAt, cleanup } = await die();
    try {
      const record = await waitForCancelled(env.stack, sessionId, LEASE_MS + BOUND_MS + 2000);
      assert.ok(isCancelled(record.session.status), `round ${round + 1}: expected Cancelled, got ${record.session.status}: ${relayLogFor(sessionId)}`);
      assert.equal(record.session.statusDetails, 'EFT0501');
      const latency = firstCancelAt(record)! - actedAt;
      latencies.push(latency);
      assert.ok(latency <= LEASE_MS + BOUND_MS, `round ${round + 1}: cancelled ${latency} ms after the page died, past the lease (${LEASE_MS} ms) + ${BOUND_MS} ms`);
      assert.equal(cancelCause(sessionId)?.reason, mechanism, relayLogFor(sessionId));
      // One provider call per session, whatever else arrives late (a second line never adds one).
      assert.equal((await settleThenRead(env.stack, sessionId, 500)).cancelCalls, 1);
    } finally {
      await cleanup();
    }
  }
  t.diagnostic(`cancelled after ${latencies.join(', ')} ms (lease ${LEASE_MS} ms), by ${mechanism}`);
}

/** A checkout in a fresh context of the file's Chromium. */
async function openInContext(prepare?: (context: BrowserContext) => Promise<void>): Promise<{ page: Page; sessionId: string; context: BrowserContext }> {
  const context = await env.browser.newContext();
  await prepare?.(context);
  const { page, sessionId } = await openCheckout(context, env.stack);
  return { page, sessionId, context };
}

// The cases of each group run side by side (each in its own context or browser): most of their time is waiting for leases.
describe('a page that dies without a word is cancelled within the lease', { concurrency: true }, () => {
  test('the renderer crashes: the deferred cancel (fetchLater)', async (t) => {
    await expectCancelledEveryTime(
      t,
      async () => {
        const { page, sessionId, context } = await openInContext();
        const actedAt = Date.now();
        await crashRenderer(page);
        return { sessionId, actedAt, cleanup: () => context.close() };
      },
      'page-gone',
    );
  });

  test('the renderer crashes in a browser without fetchLater (as Firefox and WebKit): the lease', async (t) => {
    await expectCancelledEveryTime(
      t,
      async () => {
        const { page, sessionId, context } = await openInContext(withholdFetchLater);
        assert.equal(await page.evaluate('typeof window.fetchLater'), 'undefined');
        const actedAt = Date.now();
        await crashRenderer(page);
        return { sessionId, actedAt, cleanup: () => context.close() };
      },
      'lease',
    );
  });

  test('the renderer process is killed (SIGKILL, as the out-of-memory killer): the deferred cancel', async (t) => {
    await expectCancelledEveryTime(
      t,
      async () => {
        const chromium = await launchKillableChromium();
        const { page, sessionId } = await openCheckout(await chromium.browser.newContext(), env.stack);
        const actedAt = await chromium.killRenderer(page);
        return { sessionId, actedAt, cleanup: () => chromium.close() };
      },
      'page-gone',
    );
  });

  test('the browser process is killed (SIGKILL): the lease', async (t) => {
    await expectCancelledEveryTime(
      t,
      async () => {
        const chromium = await launchKillableChromium();
        const { sessionId } = await openCheckout(await chromium.browser.newContext(), env.stack);
        const actedAt = Date.now();
        chromium.killBrowser();
        return { sessionId, actedAt, cleanup: () => chromium.close() };
      },
      'lease',
    );
  });

  test('the network is lost as the tab closes (the beacon and the deferred cancel cannot leave): the lease', async (t) => {
    await expectCancelledEveryTime(
      t,
      async () => {
        const { page, sessionId, context } = await openInContext();
        await setOffline(page, true);
        const actedAt = Date.now();
        await page.close({ runBeforeUnload: true });
        return { sessionId, actedAt, cleanup: () => context.close() };
      },
      'lease',
    );
  });
});

describe('a shopper who is there, or away, is never cancelled by the lease', { concurrency: true }, () => {
  test('a tab hidden behind another and then frozen (as a background tab) for three leases', async () => {
    const browser = await launchTabbedChromium();
    try {
      const page = await browser.newPage();
      // The demo's dev server injects a client that reloads the page when its websocket, closed by
      // the freeze, comes back (a reload is an unload, which rightly cancels). A shop's page has no
      // such client: here its socket never connects.
      await page.evaluateOnNewDocument('window.WebSocket = class extends EventTarget { send() {} close() {} }');
      await page.goto(env.stack.demoUrl);
      await page.waitForFunction(() => document.querySelector('bank-pay-session')?.getAttribute('state') === 'active', { timeout: 15_000 });
      const sessionId = (await page.evaluate('window.__bpsDemo.session.sessionId')) as string;
      await page.evaluate('window.__ticks = 0; setInterval(() => window.__ticks++, 100)');
      // The shopper switches to another tab (their bank's site, say): this one is really hidden.
      await (await browser.newPage()).bringToFront();
      await page.waitForFunction(() => document.visibilityState === 'hidden');
      await sleep(300); // the hidden beacon leaves before the tab is frozen
      const ticksBefore = (await page.evaluate('window.__ticks')) as number;
      const cdp = await page.createCDPSession();
      await setFrozen(cdp, true);
      const whileFrozen = await settleThenRead(env.stack, sessionId, THREE_LEASES_MS);
      await setFrozen(cdp, false);
      // The freeze was real: the page's own 100 ms timer did not run meanwhile.
      assert.ok(((await page.evaluate('window.__ticks')) as number) - ticksBefore < 5, 'the page was frozen');
      assert.equal(whileFrozen.session.status, 'Initiated', relayLogFor(sessionId));
      assert.equal(whileFrozen.cancelCalls, 0);
      // Back to the tab: heartbeats again, still live a lease later.
      await page.bringToFront();
      const back = await settleThenRead(env.stack, sessionId, LEASE_MS + BOUND_MS);
      assert.equal(back.session.status, 'Initiated', relayLogFor(sessionId));
      assert.equal(await page.evaluate("document.querySelector('bank-pay-session').getAttribute('state')"), 'active');
    } finally {
      await browser.close();
    }
  });

  test('a page offline for half a lease, then online again', async () => {
    const { page, sessionId, context } = await openInContext();
    try {
      const failedHeartbeats: string[] = [];
      page.on('requestfailed', (request) => request.url().endsWith('/signals') && failedHeartbeats.push(request.failure()?.errorText ?? ''));
      await setOffline(page, true);
      await sleep(LEASE_MS / 2);
      await setOffline(page, false);
      assert.ok(failedHeartbeats.length > 0, 'heartbeats were sent and lost while offline');
      const record = await settleThenRead(env.stack, sessionId, THREE_LEASES_MS);
      assert.equal(record.session.status, 'Initiated', relayLogFor(sessionId));
      assert.equal(record.cancelCalls, 0);
      assert.equal(await elementState(page), 'active');
    } finally {
      await context.close();
    }
  });

  test('a visible page open for three leases (then closed: cancelled once, at once)', async () => {
    const { page, sessionId, context } = await openInContext();
    try {
      const record = await settleThenRead(env.stack, sessionId, THREE_LEASES_MS);
      assert.equal(record.session.status, 'Initiated', relayLogFor(sessionId));
      assert.equal(record.cancelCalls, 0);
      assert.equal(await elementState(page), 'active');
      await page.close({ runBeforeUnload: true });
      const closed = await waitForCancelled(env.stack, sessionId);
      assert.ok(isCancelled(closed.session.status), relayLogFor(sessionId));
      assert.equal(cancelCause(sessionId)?.reason, 'page-unload');
    } finally {
      await context.close();
    }
  });

  test('a completed session whose tab then crashes', async () => {
    const { page, sessionId, context } = await openInContext();
    try {
      await completeHostedFlow(await hostedFrame(page));
      await page.waitForFunction(() => document.querySelector('bank-pay-session')?.getAttribute('state') === 'completed');
      await crashRenderer(page);
      const record = await settleThenRead(env.stack, sessionId, LEASE_MS + BOUND_MS);
      assert.equal(record.session.status, 'Completed', relayLogFor(sessionId));
      assert.equal(record.session.statusDetails, 'EFT0301');
      assert.equal(record.cancelCalls, 0);
      assert.equal((await sandboxSession(env.stack, sessionId)).cancelCalls, 0);
    } finally {
      await context.close();
    }
  });
});
