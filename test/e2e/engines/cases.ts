/**
 * The end-to-end abandonment cases of test/e2e/abandonment.test.ts and the must-not-cancel
 * cases of test/e2e/non-abandonment.test.ts, written once against the engine harness and run
 * in every engine whose driver can produce them, against the stack `npm start` runs, with the
 * truth read from the sandbox. A case a driver cannot produce says why and which case covers
 * it instead.
 *
 * To add a case: put it in one of the lists below (or a new list passed to `runEngineCases`),
 * gate what a driver cannot do on `engine.capabilities` (`cannot`), an engine's own known loss
 * on `knownFailure` (a node:test todo, with the measured rate and the way out), and open tabs
 * with `open()` so they are closed whatever happens. Every case gets a stack of its own.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningStack, StackOptions } from '../../../demo/stack.js';
import { allEnginesRequired, ENGINES, engineStatus, type EngineName } from '../../support/engines.mjs';
import { cancelCause, firstCancelAt, isCancelled, relayLogFor, sandboxSession, settleThenRead, startE2EStack, waitForCancelled, type SandboxSessionRecord } from '../support.js';
import { FLOW, PAGE, pollUntil, type EngineDriver, type EngineTab, type FlowFrame, type OpenCheckoutOptions } from './harness.js';

/** What a case gets: the engine, the stack, and a way to open a tab that is always cleaned up. */
export interface CaseContext {
  readonly engine: EngineDriver;
  readonly stack: RunningStack;
  open(options?: OpenCheckoutOptions): Promise<EngineTab>;
}

export interface EngineCase {
  readonly name: string;
  /** Why this engine's driver cannot produce the case, or undefined when it can. */
  readonly cannot?: (engine: EngineDriver) => string | undefined;
  /** A known failure in this engine (node:test `todo`): the reason, pointing to the fix. */
  readonly knownFailure?: (engine: EngineDriver) => string | undefined;
  /** The case's stack, when it needs other settings than the defaults (a sandbox that refuses frames, a short lease). */
  readonly stack?: StackOptions;
  readonly run: (context: CaseContext) => Promise<void>;
}

export function assertCancelledOnce(record: SandboxSessionRecord, sessionId: string): void {
  assert.ok(isCancelled(record.session.status), `expected Cancelled, got ${record.session.status}: ${relayLogFor(sessionId)}`);
  assert.equal(record.session.statusDetails, 'EFT0501');
  assert.equal(record.cancelCalls, 1, `expected exactly one cancel call, got ${record.cancelCalls}`);
}

export function assertNotCancelled(record: SandboxSessionRecord, sessionId: string, status = 'Initiated'): void {
  assert.equal(record.session.status, status, relayLogFor(sessionId));
  assert.equal(record.cancelCalls, 0, `no cancel may be sent: ${JSON.stringify(record.history)}`);
}

/** The lease of the lease cases' stacks, and how long past it a lapsed lease may take to cancel (as in test/e2e/lease.test.ts). */
const LEASE_MS = 3000;
const LEASE_BOUND_MS = 2500;

const WEBDRIVER_CLOSE =
  'WebDriver classic closes a window without running beforeunload, so the driver cannot close a tab as a person does; ' +
  'covered by "the page closing itself" (window.close() runs beforeunload and pagehide) and "closing the window through the driver"';

/** The hosted flow's inner steps, up to the review screen (no payment made). */
export async function walkToReview(flow: FlowFrame): Promise<void> {
  await flow.waitFor(FLOW.stateIs('bank'));
  await flow.click(FLOW.continueIn('bank'));
  await flow.fill(FLOW.username, 'shopper');
  await flow.fill(FLOW.password, 'correct horse');
  await flow.click(FLOW.continueIn('signin'));
  await flow.click(FLOW.continueIn('account'));
  await flow.waitFor(FLOW.stateIs('review'));
}

/** Overrides the page's visibility for code to read and fires the browser's event, as a tab switch does. */
function setVisibility(state: 'hidden' | 'visible'): string {
  return `(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: function () { return '${state}'; } });
    Object.defineProperty(document, 'hidden', { configurable: true, get: function () { return ${state === 'hidden'}; } });
    document.dispatchEvent(new Event('visibilitychange'));
    return true;
  })()`;
}

/**
 * A page script asks for a "leave this page?" prompt on every unload, as a checkout with an
 * unsaved form might. Browsers show it only to a page the person has used, so the tab is
 * clicked first (moving the element there and back, which is not abandonment).
 */
async function raiseLeavePrompts(tab: EngineTab): Promise<void> {
  await tab.evaluate(`(addEventListener('beforeunload', (event) => { event.preventDefault(); event.returnValue = 'Leave the checkout?'; }), true)`);
  await tab.click('#move-element');
  await tab.click('#move-element');
}

const NO_PROMPT_ANSWER = 'WebDriver classic accepts every beforeunload prompt, so the driver cannot answer "stay"';

/**
 * Each on a stack with a short lease, as behind every cancel in production: a cancel the
 * engine loses on the way out (Firefox, under load, now and then loses both the pagehide
 * beacon and the beforeunload intent on a tab close) is still made by the lease within the
 * wait. How often each mechanism was the one that acted is the bench's business.
 */
const abandonmentCases = (cases: readonly EngineCase[]): readonly EngineCase[] => cases.map((c) => ({ stack: { leaseMs: LEASE_MS }, ...c }));

export const ABANDONMENT_CASES: readonly EngineCase[] = abandonmentCases([
  {
    name: 'the element close button',
    async run({ stack, open }) {
      const tab = await open();
      await tab.clickPart('close-button');
      if (await tab.evaluate<boolean>(`!!document.querySelector('bank-pay-session')?.shadowRoot?.querySelector('[part~="confirm-button"]')`)) {
        await tab.clickPart('confirm-button');
      }
      assertCancelledOnce(await waitForCancelled(stack, tab.sessionId), tab.sessionId);
      await tab.waitFor(PAGE.stateIs('cancelled'));
    },
  },
  {
    name: 'an in-page (SPA) route change that removes the element',
    async run({ stack, open }) {
      const tab = await open();
      await tab.click('#spa-route');
      await pollUntil(async () => new URL(await tab.url()).pathname === '/shop', 'the /shop route');
      assertCancelledOnce(await waitForCancelled(stack, tab.sessionId), tab.sessionId);
    },
  },
  {
    name: 'following a link to another site',
    async run({ stack, open }) {
      const tab = await open();
      await tab.click('#leave-link');
      await pollUntil(async () => /elsewhere\.html/.test(await tab.url()), 'the other site');
      assert.notEqual(new URL(await tab.url()).origin, new URL(stack.demoUrl).origin);
      assertCancelledOnce(await waitForCancelled(stack, tab.sessionId), tab.sessionId);
    },
  },
  {
    name: 'reloading the page',
    async run({ stack, open }) {
      const tab = await open();
      await tab.reload();
      assertCancelledOnce(await waitForCancelled(stack, tab.sessionId), tab.sessionId);
      await tab.waitFor(PAGE.sessionId);
      assert.notEqual(await tab.evaluate<string>(PAGE.sessionId), tab.sessionId, 'the reloaded page starts a new session');
    },
  },
  {
    name: 'closing the tab as a person does (beforeunload, then pagehide)',
    cannot: (engine) => (engine.capabilities.userTabClose ? undefined : WEBDRIVER_CLOSE),
    async run({ stack, open }) {
      const tab = await open();
      await tab.closeAsUser();
      assertCancelledOnce(await waitForCancelled(stack, tab.sessionId), tab.sessionId);
    },
  },
  {
    name: 'the page closing itself (window.close() on a window opened by script)',
    async run({ stack, open }) {
      const tab = await open({ popup: true });
      await tab.closeItself();
      assertCancelledOnce(await waitForCancelled(stack, tab.sessionId), tab.sessionId);
    },
  },
  {
    name: 'closing the window through the driver (no beforeunload: pagehide alone)',
    // Firefox used to lose most of these (7/20 delivered): a beacon sent synchronously from the
    // first pagehide listener to run is dropped when the tab goes away. The element sends from
    // a microtask queued in pagehide, which arrives. Measured with default preferences, never
    // dom.ipc.keepProcessesAlive.*, which would keep the process (and the beacon) alive in
    // tests only.
    async run({ stack, open }) {
      const tab = await open();
      await tab.closeByDriver();
      // No beforeunload, so no intent and no grace to wait for: a beacon lands in milliseconds.
      assertCancelledOnce(await waitForCancelled(stack, tab.sessionId, 4000), tab.sessionId);
      // The page's own beacon, not the lease behind it.
      assert.equal(cancelCause(tab.sessionId)?.reason, 'page-unload', relayLogFor(tab.sessionId));
    },
  },
  {
    name: 'a page handler raises a leave prompt and the shopper leaves (tab close)',
    // With a prompt asked for, the element sends no intent on beforeunload (the shopper may
    // stay), so the cancel rests on the pagehide confirm alone: in Firefox too, since it is
    // sent from a microtask (it was delivered 1 time in 10 when sent from the listener).
    async run({ stack, engine, open }) {
      // WebDriver classic cannot close a tab with beforeunload: the page closes itself, and the
      // driver accepts the prompt, as a shopper who leaves does.
      const tab = await open({ popup: !engine.capabilities.userTabClose });
      await raiseLeavePrompts(tab);
      if (engine.capabilities.answersLeavePrompt) tab.answerLeavePrompts('leave');
      await (engine.capabilities.userTabClose ? tab.closeAsUser() : tab.closeItself());
      assertCancelledOnce(await waitForCancelled(stack, tab.sessionId, 6000), tab.sessionId);
    },
  },
  {
    name: 'navigating away into the back/forward cache, then back',
    async run({ stack, open }) {
      const tab = await open();
      await tab.evaluate(`(window.addEventListener('pagehide', (event) => sessionStorage.setItem('persisted', String(event.persisted))), true)`);
      await tab.goto(new URL('/demo/elsewhere.html', stack.demoUrl).toString());
      assertCancelledOnce(await waitForCancelled(stack, tab.sessionId), tab.sessionId);
      await tab.back();
      await tab.waitFor(PAGE.sessionId);
      if (await tab.evaluate<boolean>(`sessionStorage.getItem('persisted') === 'true'`)) {
        // Same document, restored: the element re-checked the status and shows that it ended.
        await tab.waitFor(`/cancelled|expired/.test(${PAGE.elementState} ?? '')`);
        assert.equal(await tab.evaluate<string>(PAGE.sessionId), tab.sessionId);
      }
      // Otherwise the engine did not keep the page: a new page and a new session; the old one stays cancelled.
      assertCancelledOnce(await sandboxSession(stack, tab.sessionId), tab.sessionId);
    },
  },
]);

export const MUST_NOT_CANCEL_CASES: readonly EngineCase[] = [
  {
    name: 'switching to another tab and back (visibility hidden)',
    async run({ stack, open }) {
      // Drivers keep a page "visible" behind another tab or window (Playwright's Chromium
      // too), so visibility is overridden for code to read and the browser's own event is
      // fired, as a tab switch does.
      const tab = await open();
      await tab.evaluate(setVisibility('hidden'));
      const whileHidden = await settleThenRead(stack, tab.sessionId);
      assert.equal(whileHidden.cancelCalls, 0, `nothing is sent while the tab is hidden: ${JSON.stringify(whileHidden.history)}`);
      await tab.evaluate(setVisibility('visible'));
      assertNotCancelled(await settleThenRead(stack, tab.sessionId), tab.sessionId);
      assert.equal(await tab.evaluate(PAGE.elementState), 'active');
    },
  },
  {
    name: 'completing the hosted flow, then closing the tab',
    async run({ stack, engine, open }) {
      // Where the driver cannot close a tab as a person does, the page closes itself, which
      // runs the same beforeunload and pagehide.
      const tab = await open({ popup: !engine.capabilities.userTabClose });
      await tab.inFlow(async (flow) => {
        await walkToReview(flow);
        await flow.click(FLOW.continueIn('review'));
      });
      await tab.waitFor(PAGE.stateIs('completed'));
      await (engine.capabilities.userTabClose ? tab.closeAsUser() : tab.closeItself());
      const record = await settleThenRead(stack, tab.sessionId);
      assertNotCancelled(record, tab.sessionId, 'Completed');
      assert.equal(record.session.statusDetails, 'EFT0301');
    },
  },
  {
    name: 'a page handler raises a leave prompt and the shopper stays',
    cannot: (engine) => (engine.capabilities.answersLeavePrompt && engine.capabilities.userTabClose ? undefined : NO_PROMPT_ANSWER),
    async run({ stack, open }) {
      const tab = await open();
      await raiseLeavePrompts(tab);
      tab.answerLeavePrompts('stay');
      await tab.closeAsUser();
      assert.equal(await tab.evaluate(PAGE.elementState), 'active', 'the page is still there');
      // Longer than the relay's intent grace, so a wrongly sent intent would have been acted on.
      assertNotCancelled(await settleThenRead(stack, tab.sessionId, 5000), tab.sessionId);
      tab.answerLeavePrompts('leave');
    },
  },
  {
    name: 'moving the element within the page',
    async run({ stack, open }) {
      const tab = await open();
      const parentId = `document.querySelector('bank-pay-session')?.parentElement?.id`;
      await tab.click('#move-element');
      assert.equal(await tab.evaluate(parentId), 'move-target');
      await tab.click('#move-element');
      assert.equal(await tab.evaluate(parentId), 'payment-slot');
      assertNotCancelled(await settleThenRead(stack, tab.sessionId), tab.sessionId);
    },
  },
  {
    name: "the hosted flow's own steps, back button and a close attempt the shopper takes back",
    async run({ stack, open }) {
      const tab = await open();
      await tab.inFlow(async (flow) => {
        await walkToReview(flow);
        await flow.click(FLOW.backIn('review'));
        await flow.waitFor(FLOW.stateIs('account'));
        await flow.click(FLOW.close);
        await flow.click(FLOW.stay);
        await flow.waitFor(FLOW.stateIs('account'));
      });
      assertNotCancelled(await settleThenRead(stack, tab.sessionId), tab.sessionId);
      assert.equal(await tab.evaluate(PAGE.elementState), 'active');
    },
  },
  {
    name: "the hosted flow's own close (CLOSE) cancels once and shows the timed-out state",
    async run({ stack, open }) {
      const tab = await open();
      await tab.inFlow(async (flow) => {
        await flow.waitFor(FLOW.stateIs('bank'));
        await flow.click(FLOW.close);
        await flow.click(FLOW.leave);
      });
      assertCancelledOnce(await waitForCancelled(stack, tab.sessionId), tab.sessionId);
      await tab.waitFor(PAGE.stateIs('cancelled'));
    },
  },
];

export const LEASE_CASES: readonly EngineCase[] = [
  {
    name: "the tab's content process is killed (SIGKILL, as the out-of-memory killer): cancelled by the lease",
    stack: { leaseMs: LEASE_MS },
    // Neither engine has fetchLater, and nothing of the page runs once its process is gone:
    // only the relay's lease can end the session.
    async run({ stack, open }) {
      const tab = await open();
      const killedAt = await tab.killContentProcess();
      const record = await waitForCancelled(stack, tab.sessionId, LEASE_MS + LEASE_BOUND_MS + 2000);
      assertCancelledOnce(record, tab.sessionId);
      const latency = firstCancelAt(record)! - killedAt;
      assert.ok(latency <= LEASE_MS + LEASE_BOUND_MS, `cancelled ${latency} ms after the kill, past the lease (${LEASE_MS} ms) + ${LEASE_BOUND_MS} ms`);
      assert.deepEqual(cancelCause(tab.sessionId), { reason: 'lease', rule: 'lease-lapsed' });
    },
  },
  {
    name: 'a tab hidden for three leases (the shopper in their bank app) is not cancelled',
    stack: { leaseMs: LEASE_MS },
    async run({ stack, open }) {
      const tab = await open();
      await tab.evaluate(setVisibility('hidden'));
      assertNotCancelled(await settleThenRead(stack, tab.sessionId, 3 * LEASE_MS + LEASE_BOUND_MS), tab.sessionId);
      await tab.evaluate(setVisibility('visible'));
      assertNotCancelled(await settleThenRead(stack, tab.sessionId, LEASE_MS + LEASE_BOUND_MS), tab.sessionId);
      assert.equal(await tab.evaluate(PAGE.elementState), 'active');
    },
  },
];

/**
 * One case: its own stack (a few hundred milliseconds), so no case shares the relay's
 * per-address rate limit, lease ledger or sandbox state with another, and its own tabs,
 * closed whatever happens.
 */
function registerCase(engineCase: EngineCase, currentEngine: () => EngineDriver | undefined): void {
  test(engineCase.name, async (t) => {
    const engine = currentEngine();
    if (!engine) throw new Error('the browser did not start');
    const cannot = engineCase.cannot?.(engine);
    if (cannot) return t.skip(`${engine.label}: ${cannot}`);
    const knownFailure = engineCase.knownFailure?.(engine);
    if (knownFailure) t.todo(knownFailure);
    const stack = await startE2EStack(engineCase.stack);
    const tabs: EngineTab[] = [];
    try {
      await engineCase.run({
        engine,
        stack,
        async open(options) {
          const tab = await engine.openCheckout(stack, options);
          tabs.push(tab);
          return tab;
        },
      });
    } finally {
      for (const tab of tabs) await tab.dispose();
      await stack.close();
    }
  });
}

/**
 * Registers the cases for one engine: one browser for the file, one stack per case. Without
 * the engine on this machine, one skipped test names the Debian package; under CI, that is a
 * failure instead.
 */
export const CASE_LISTS: Record<string, readonly EngineCase[]> = {
  'abandonment cancels the provider session once': ABANDONMENT_CASES,
  'what never cancels, and the flow close that does': MUST_NOT_CANCEL_CASES,
  'the lease: a killed tab is cancelled, an away shopper never': LEASE_CASES,
};

export function runEngineCases(name: EngineName, launch: () => Promise<EngineDriver>, lists: Record<string, readonly EngineCase[]> = CASE_LISTS): void {
  const status = engineStatus(name);
  const label = ENGINES[name].label;
  if (!status.available) {
    if (allEnginesRequired()) {
      test(`${label} is installed (CI runs every engine)`, () => assert.fail(status.message));
    } else {
      console.warn(`\n⚠ Skipped. ${status.message}\n`);
      test(`${label}: end-to-end abandonment cases`, { skip: `skipped. ${status.message}` }, () => undefined);
    }
    return;
  }

  let engine: EngineDriver | undefined;

  describe(label, () => {
    before(async () => {
      engine = await launch();
    });
    after(async () => {
      await engine?.close();
      // Seen once in CI: the Firefox file's process stayed alive after every test and hook had
      // finished (a driver socket left open), until the 300 s file timeout failed the suite.
      // An unref'd timer cannot keep the process alive; it only ends one that lingers, with the
      // exit code the test runner has already set.
      setTimeout(() => process.exit(), 10_000).unref();
    });

    for (const [title, cases] of Object.entries(lists)) {
      describe(title, () => {
        for (const engineCase of cases) registerCase(engineCase, () => engine);
      });
    }
  });
}
