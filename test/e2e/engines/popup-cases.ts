/**
 * The element's popup mode, written once against the engine harness like the other cases
 * (test/e2e/popup.test.ts runs the same in Chromium): every way a window session ends, a
 * browser that refuses the window, a provider that refuses frames, and one that sends COOP.
 * The checkout is loaded where its windows may open (`opensWindows`: MiniBrowser lets only the
 * WebDriver session's first window open others).
 */
import assert from 'node:assert/strict';
import type { RunningStack } from '../../../demo/stack.js';
import { relayLogFor, sandboxSession, settleThenRead, waitForCancelled, type SandboxSessionRecord } from '../support.js';
import { assertCancelledOnce, walkToReview, type CaseContext, type EngineCase } from './cases.js';
import { checkoutUrl, FLOW, PAGE, pollUntil, type EngineTab, type FlowWindow } from './harness.js';

function assertCompletedWithoutCancel(record: SandboxSessionRecord, sessionId: string): void {
  assert.equal(record.session.status, 'Completed', relayLogFor(sessionId));
  assert.equal(record.session.statusDetails, 'EFT0301');
  assert.equal(record.cancelCalls, 0, `no cancel may be sent: ${JSON.stringify(record.history)}`);
}

/** The demo checkout, at its launcher: in popup mode, or in auto once the refused frame gave up. */
function openAtLauncher(open: CaseContext['open'], stack: RunningStack, query: Record<string, string> = { mode: 'popup' }): Promise<EngineTab> {
  // Generous: in auto, the refused frame first loads, then gets its frame-timeout.
  return open({ page: { url: checkoutUrl(stack, query), readyWhen: PAGE.stateIs('launch') }, opensWindows: true });
}

/**
 * Presses the launcher as a shopper does and returns the flow's window, once the element has
 * heard from the flow in it (its first step), so that a close is surely taken for a close.
 */
async function openFlowWindow(tab: EngineTab, { heard = true } = {}): Promise<FlowWindow> {
  await tab.evaluate(`(window.__bpsHeard = false, document.addEventListener('bps-step', () => (window.__bpsHeard = true), { once: true }), true)`);
  await tab.clickPart('open-button');
  const flow = await tab.flowWindow();
  await flow.waitFor(FLOW.stateIs('bank'));
  if (heard) await tab.waitFor('window.__bpsHeard === true');
  return flow;
}

async function completeIn(flow: FlowWindow): Promise<void> {
  await walkToReview(flow);
  await flow.click(FLOW.continueIn('review'));
}

const NO_USER_CLOSE =
  'WebDriver classic closes a window without beforeunload (and MiniBrowser\'s checkout must be the session\'s first window to open ' +
  'windows, whose close ends the session); covered by "the checkout navigated" and "an SPA route change"';

export const POPUP_CASES: readonly EngineCase[] = [
  {
    name: 'the shopper closes the window: Cancelled once, and the element shows the timed-out state',
    async run({ stack, open }) {
      const tab = await openAtLauncher(open, stack);
      const flow = await openFlowWindow(tab);
      assert.equal(await tab.evaluate(PAGE.elementState), 'window');
      await flow.close();
      assertCancelledOnce(await waitForCancelled(stack, tab.sessionId), tab.sessionId);
      await tab.waitFor(PAGE.stateIs('cancelled'));
    },
  },
  {
    name: 'completing the payment in the window: Completed, no cancel, and the window closed',
    async run({ stack, open }) {
      const tab = await openAtLauncher(open, stack);
      const flow = await openFlowWindow(tab);
      await completeIn(flow);
      await tab.waitFor(PAGE.stateIs('completed'));
      await pollUntil(() => flow.isClosed(), 'the window to close');
      assertCompletedWithoutCancel(await settleThenRead(stack, tab.sessionId), tab.sessionId);
    },
  },
  {
    name: 'the checkout tab closed while the window is open: Cancelled once',
    cannot: (engine) => (engine.capabilities.userTabClose ? undefined : NO_USER_CLOSE),
    async run({ stack, open }) {
      const tab = await openAtLauncher(open, stack);
      await openFlowWindow(tab);
      await tab.closeAsUser();
      assertCancelledOnce(await waitForCancelled(stack, tab.sessionId), tab.sessionId);
    },
  },
  {
    name: 'the checkout navigated to another page of its site while the window is open: Cancelled once, and the window closed',
    async run({ stack, open }) {
      const tab = await openAtLauncher(open, stack);
      const flow = await openFlowWindow(tab);
      await tab.goto(new URL('/demo/elsewhere.html', stack.demoUrl).toString());
      assertCancelledOnce(await waitForCancelled(stack, tab.sessionId), tab.sessionId);
      await pollUntil(() => flow.isClosed(), 'the window to close');
    },
  },
  {
    name: 'an SPA route change removes the element: Cancelled once, and the window closed',
    async run({ stack, open }) {
      const tab = await openAtLauncher(open, stack);
      const flow = await openFlowWindow(tab);
      await tab.click('#spa-route');
      assertCancelledOnce(await waitForCancelled(stack, tab.sessionId), tab.sessionId);
      await pollUntil(() => flow.isClosed(), 'the window to close');
    },
  },
  {
    name: 'a browser that refuses the window: the plain link to the flow is offered, and nothing is cancelled',
    async run({ stack, open }) {
      const inFrame = `document.getElementById('checkout')?.contentDocument?.querySelector('bank-pay-session')`;
      const url = new URL('/test/e2e/fixtures/sandboxed-checkout.html?mode=popup', stack.demoUrl).toString();
      const tab = await open({ page: { url, readyWhen: `${inFrame}?.getAttribute('state') === 'launch'` }, opensWindows: true });
      // A script's click: the refusal comes from the frame's sandbox (no allow-popups), not from activation.
      await tab.evaluate(`(${inFrame}.shadowRoot.querySelector('[part~="open-button"]').click(), true)`);
      await tab.waitFor(`${inFrame}?.getAttribute('state') === 'blocked'`);
      const link = await tab.evaluate<{ href: string; target: string; text: string }>(
        `(() => { const a = ${inFrame}.shadowRoot.querySelector('[part~="open-link"]'); return { href: a.getAttribute('href'), target: a.target, text: a.textContent }; })()`,
      );
      const flowUrl = await tab.evaluate<string>(`window.__bpsDemo.session.url`);
      assert.deepEqual(link, { href: flowUrl, target: '_blank', text: 'Continue to your bank' });
      assert.equal((await settleThenRead(stack, tab.sessionId)).cancelCalls, 0);
    },
  },
  {
    name: 'a provider page that refuses every frame: auto offers the window, and the payment completes through it',
    stack: { sandboxFraming: 'deny' },
    async run({ stack, open }) {
      const tab = await openAtLauncher(open, stack, {});
      assert.equal(await tab.evaluate(`document.querySelector('bank-pay-session').shadowRoot.querySelector('iframe') === null`), true, 'no broken frame left');
      const flow = await openFlowWindow(tab);
      await completeIn(flow);
      await tab.waitFor(PAGE.stateIs('completed'));
      assertCompletedWithoutCancel(await settleThenRead(stack, tab.sessionId), tab.sessionId);
    },
  },
  {
    name: 'a provider page that sends COOP: no false cancel, and the outcome still reaches the element',
    stack: { sandboxFraming: 'deny', sandboxCoop: 'same-origin' },
    async run({ stack, open }) {
      const tab = await openAtLauncher(open, stack);
      // Nothing is heard under COOP: the flow's page has no opener to post to.
      const flow = await openFlowWindow(tab, { heard: false });
      await tab.waitFor(PAGE.stateIs('detached'));
      assert.equal(await flow.isClosed(), false, 'the window is still open');
      assert.equal((await settleThenRead(stack, tab.sessionId)).cancelCalls, 0, 'no false cancel');
      await completeIn(flow);
      // The element learns it from the relay's status, polled while it cannot see the window.
      await tab.waitFor(PAGE.stateIs('completed'));
      assertCompletedWithoutCancel(await sandboxSession(stack, tab.sessionId), tab.sessionId);
    },
  },
];
