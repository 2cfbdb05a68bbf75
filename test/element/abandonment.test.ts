// Every row of the abandonment table (README, "Abandonment: what cancels and what never does"),
// checked on the wire: the recorder shows what the browser really sent. Rows that must not
// cancel end with a real cancel() as a sentinel where the session is still live, so "nothing
// arrived" cannot mean "not arrived yet".
import { aTimeout, expect, waitUntil } from '@open-wc/testing';
import type { BankPaySession } from '../../src/element/index.js';
import { INTENT_REVOKE_AFTER_MS } from '../../src/protocol/signal-request.js';
import {
  arrived,
  CANCEL_TOKEN,
  collect,
  fireBeforeUnload,
  firePagehide,
  frameOf,
  mount,
  newSessionId,
  part,
  postFromFlow,
  recorded,
  restoreVisibility,
  setLeaseAnswer,
  setVisibility,
  settle,
  signalNames,
  signalsArrived,
  signalsOf,
  nextEvent,
  type RecordedRequest,
} from './support.js';

function expectCancelBody(request: { body: unknown; contentType: string }, el: BankPaySession, reason: string): void {
  expect(request.contentType).to.equal('text/plain;charset=UTF-8');
  expect(request.body).to.deep.equal({ sessionId: el.sessionId, token: CANCEL_TOKEN, reason });
}

/** Nothing was sent for a session that is still live: the one cancel that follows is the only one. */
async function expectNothingSentYet(el: BankPaySession): Promise<void> {
  await settle();
  expect((await recorded(el.sessionId)).map((r) => r.body?.reason)).to.deep.equal([]);
  expect(el.state).to.equal('active');
  await el.cancel();
  const requests = await arrived(el.sessionId);
  expect(requests.map((r) => r.body?.reason)).to.deep.equal(['api']);
}

/** Nothing was or will be sent for a session that is over. */
async function expectNothingSent(el: BankPaySession): Promise<void> {
  await settle();
  expect(await recorded(el.sessionId)).to.have.length(0);
}

describe('abandonment: what cancels', () => {
  it('the close button: a cancelable close request, then a fetch whose outcome is awaited and shown', async () => {
    const el = await mount();
    const events = collect(el, 'bps-close-request', 'bps-exit', 'bps-cancel');
    const cancelled = nextEvent(el, 'bps-cancel');
    part(el, 'close-button')!.click();
    expect(events[0]!.type).to.equal('bps-close-request');
    expect(events[0]!.cancelable).to.equal(true);
    // The timed-out state shows at once; it does not wait for the relay or the frame.
    await el.updateComplete;
    expect(el.state).to.equal('cancelling');
    expect(frameOf(el) === null, 'the frame is gone').to.equal(true);
    expect(part(el, 'message')!.getAttribute('role')).to.equal('alert');
    const outcome = await cancelled;
    expect(outcome.outcome).to.equal('cancelled');
    expect(outcome.reason).to.equal('close-button');
    expect(outcome.statusDetails).to.equal('EFT0501');
    expect(el.state).to.equal('cancelled');
    expect(events.map((e) => e.type)).to.deep.equal(['bps-close-request', 'bps-exit', 'bps-cancel']);
    expect((events[1] as { reason?: string }).reason).to.equal('closed');
    const [request, ...more] = await recorded(el.sessionId);
    expect(more).to.have.length(0);
    expectCancelBody(request!, el, 'close-button');
    expect(request!.secFetchMode).to.equal('cors'); // a fetch, not a beacon: its answer was read
  });

  it('the close button, vetoed by the merchant: nothing happens until they call cancel()', async () => {
    const el = await mount();
    el.addEventListener('bps-close-request', (event) => event.preventDefault(), { once: true });
    part(el, 'close-button')!.click();
    await expectNothingSentYet(el);
  });

  it('the hosted flow\'s CLOSE: cancelled like the close button', async () => {
    const el = await mount();
    const exit = nextEvent(el, 'bps-exit');
    const cancel = nextEvent(el, 'bps-cancel');
    postFromFlow(el, { step: 'CLOSE' });
    expect((await exit).reason).to.equal('closed');
    expect((await cancel).outcome).to.equal('cancelled');
    const requests = await recorded(el.sessionId);
    expect(requests).to.have.length(1);
    expectCancelBody(requests[0]!, el, 'flow-close');
  });

  it('removal from the DOM that lasts (SPA navigation): a beacon', async () => {
    const el = await mount();
    const exit = nextEvent(el, 'bps-exit');
    el.remove();
    expect((await exit).reason).to.equal('navigated');
    const requests = await arrived(el.sessionId);
    expect(requests).to.have.length(1);
    expectCancelBody(requests[0]!, el, 'spa-navigation');
    expect(requests[0]!.secFetchMode).to.equal('no-cors');
  });

  it('pagehide (navigation, reload, tab close): a beacon', async () => {
    const el = await mount();
    const exit = nextEvent(el, 'bps-exit');
    firePagehide();
    expect((await exit).reason).to.equal('unloaded');
    const requests = await arrived(el.sessionId);
    expect(requests).to.have.length(1);
    expectCancelBody(requests[0]!, el, 'page-unload');
    await el.updateComplete;
    expect(el.state).to.equal('cancelled');
  });

  it('the page entering the back/forward cache (pagehide, persisted): a beacon', async () => {
    const el = await mount();
    firePagehide(true);
    const requests = await arrived(el.sessionId);
    expectCancelBody(requests[0]!, el, 'bfcache');
  });

  it('a refused beacon falls back to a keepalive fetch that reaches the wire', async () => {
    const el = await mount();
    const original = navigator.sendBeacon;
    navigator.sendBeacon = () => false;
    try {
      firePagehide();
      await Promise.resolve(); // the element sends from a microtask queued in pagehide
    } finally {
      navigator.sendBeacon = original;
    }
    const requests = await arrived(el.sessionId);
    expect(requests).to.have.length(1);
    expectCancelBody(requests[0]!, el, 'page-unload');
    expect(requests[0]!.secFetchMode).to.equal('cors');
  });

  it('cancel(): the merchant\'s own call, safe to call twice', async () => {
    const el = await mount();
    const [first, second] = await Promise.all([el.cancel(), el.cancel()]);
    expect(first).to.deep.equal(second);
    expect(first.outcome).to.equal('cancelled');
    expect((await el.cancel()).outcome).to.equal('cancelled');
    await settle();
    const requests = await recorded(el.sessionId);
    expect(requests).to.have.length(1);
    expectCancelBody(requests[0]!, el, 'api');
  });

  it('shows the timed-out state even when the relay fails, and reports the failure', async () => {
    const el = await mount({ cancelUrl: '/__recorder/cancel?outcome=failed&httpStatus=502' });
    const outcome = await el.cancel();
    expect(outcome.outcome).to.equal('failed');
    expect(el.state).to.equal('cancelled');
    await el.updateComplete;
    expect(frameOf(el) === null, 'the frame is gone').to.equal(true);
    expect(part(el, 'restart-button') !== null, 'a restart button').to.equal(true);
  });

  it('a close that came too late (the provider had the payment completed) shows the completed state, not "no payment was made"', async () => {
    const el = await mount({ cancelUrl: '/__recorder/cancel?outcome=already-terminal&status=Completed&statusDetails=EFT0301' });
    const exits = collect(el, 'bps-exit');
    const outcome = await el.cancel('close-button');
    expect(outcome.outcome).to.equal('already-terminal');
    expect(outcome.status).to.equal('Completed');
    expect(el.state).to.equal('completed');
    // The close's exit went first; the correction follows, and the last one is the truth.
    expect(exits.map((event) => event.reason)).to.deep.equal(['closed', 'completed']);
    await el.updateComplete;
    expect(part(el, 'restart-button'), 'no "Start again" for a paid session').to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('shows the timed-out state while the relay is still answering', async () => {
    const el = await mount({ cancelUrl: '/__recorder/cancel?delayMs=400' });
    const pending = el.cancel();
    await el.updateComplete;
    expect(el.state).to.equal('cancelling');
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('Your payment session has ended');
    await pending;
    expect(el.state).to.equal('cancelled');
  });
});

describe('abandonment: what never cancels', () => {
  afterEach(restoreVisibility);

  it('moving the element in the DOM (remove and re-insert in the same task)', async () => {
    const el = await mount();
    const parent = el.parentElement!;
    const elsewhere = document.createElement('section');
    document.body.append(elsewhere);
    try {
      el.remove();
      elsewhere.append(el);
      elsewhere.before(el); // and a plain move, without an explicit remove
      parent.append(el);
      await waitUntil(() => el.state === 'active');
      await expectNothingSentYet(el);
    } finally {
      elsewhere.remove();
    }
  });

  it('the tab becoming hidden (the shopper may be in their banking app)', async () => {
    const el = await mount();
    setVisibility('hidden');
    await settle();
    setVisibility('visible');
    await expectNothingSentYet(el);
  });

  it('beforeunload when the page asked for a leave prompt first: the shopper may stay', async () => {
    // Listeners on window run in the order they were added: the page's prompt handler, added
    // before the session went live, runs before the element's.
    const prompt = (event: Event) => event.preventDefault();
    addEventListener('beforeunload', prompt);
    try {
      const el = await mount();
      fireBeforeUnload();
      await expectNothingSentYet(el);
    } finally {
      removeEventListener('beforeunload', prompt);
    }
  });

  it('a signal left out of cancel-on', async () => {
    const el = await mount({ cancelOn: 'close' });
    firePagehide();
    firePagehide(true);
    fireBeforeUnload();
    postFromFlow(el, { step: 'CLOSE' });
    await nextEvent(el, 'bps-step');
    await expectNothingSentYet(el);
  });

  it('without "close" in cancel-on there is no close button', async () => {
    const el = await mount({ cancelOn: 'unload' });
    expect(part(el, 'close-button') === null, 'no close button').to.equal(true);
  });

  const whenOver: Array<[string, (el: BankPaySession) => Promise<void>]> = [
    ['the flow reported SUCCESS', async (el) => {
      postFromFlow(el, { step: 'SUCCESS' });
      await nextEvent(el, 'bps-exit');
    }],
    ['the flow ended another way (GUARANTEE_FAILED)', async (el) => {
      postFromFlow(el, { step: 'GUARANTEE_FAILED' });
      await nextEvent(el, 'bps-exit');
    }],
    ['the session expired', async (el) => {
      el.expiresAt = Date.now() - 1;
      await nextEvent(el, 'bps-exit');
    }],
  ];
  for (const [name, end] of whenOver) {
    it(`anything at all once ${name}`, async () => {
      const el = await mount();
      await end(el);
      const before = el.state;
      fireBeforeUnload();
      firePagehide(true);
      firePagehide();
      expect(frameOf(el) === null, 'the frame is gone, so the flow cannot post CLOSE').to.equal(true);
      expect((await el.cancel()).outcome).to.equal('skipped');
      el.remove();
      await expectNothingSent(el);
      expect(el.state).to.equal(before);
    });
  }

  it('beforeunload is listened to only while the session is live', async () => {
    const added: string[] = [];
    const removed: string[] = [];
    const { addEventListener: add, removeEventListener: remove } = window;
    window.addEventListener = function (this: Window, ...args: Parameters<typeof add>) {
      if (args[0] === 'beforeunload') added.push('beforeunload');
      return add.apply(this, args);
    } as typeof add;
    window.removeEventListener = function (this: Window, ...args: Parameters<typeof remove>) {
      if (args[0] === 'beforeunload') removed.push('beforeunload');
      return remove.apply(this, args);
    } as typeof remove;
    try {
      const el = await mount();
      expect(added.length).to.be.greaterThan(0);
      expect(removed).to.have.length(0);
      postFromFlow(el, { step: 'SUCCESS' });
      await nextEvent(el, 'bps-exit');
      expect(removed.length).to.be.greaterThan(0);
    } finally {
      window.addEventListener = add;
      window.removeEventListener = remove;
    }
  });
});

describe('abandonment: the beforeunload intent (a lease signal)', () => {
  /** Longer than the element waits before revoking an intent, so a revoke would have arrived. */
  const pastTheRevoke = () => aTimeout(INTENT_REVOKE_AFTER_MS + 500);
  /** The intent and its revoke, in the order the relay's signals endpoint got them (heartbeats left out). */
  const intentSignals = async (el: BankPaySession) => (await signalNames(el.sessionId)).filter((name) => name === 'intent' || name === 'revoke');

  function expectSignalBeacon(request: RecordedRequest, el: BankPaySession, signal: string): void {
    expect(request.contentType).to.equal('text/plain;charset=UTF-8');
    expect(request.body).to.deep.equal({ sessionId: el.sessionId, token: CANCEL_TOKEN, signal });
    expect(request.secFetchMode).to.equal('no-cors'); // a beacon
  }

  it('no leave prompt asked for: an intent beacon to the signals endpoint, and a revoke when the page is still there (a download link)', async () => {
    const el = await mount();
    const exits = collect(el, 'bps-exit', 'bps-cancel');
    fireBeforeUnload();
    await signalsArrived(el.sessionId, 'revoke');
    const sent = (await signalsOf(el.sessionId)).filter((request) => request.body?.signal !== 'alive');
    expect(sent.map((request) => request.body?.signal)).to.deep.equal(['intent', 'revoke']);
    expectSignalBeacon(sent[0]!, el, 'intent');
    expectSignalBeacon(sent[1]!, el, 'revoke');
    // The shopper never left: no cancel, the session is live and the element said nothing.
    expect(el.state).to.equal('active');
    expect(exits).to.have.length(0);
    await expectNothingSentYet(el);
  });

  it('pagehide after the intent: the cancel, and no revoke', async () => {
    const el = await mount();
    const exit = nextEvent(el, 'bps-exit');
    fireBeforeUnload();
    await signalsArrived(el.sessionId, 'intent');
    firePagehide();
    expect((await exit).reason).to.equal('unloaded');
    const [cancel, ...more] = await arrived(el.sessionId);
    expectCancelBody(cancel!, el, 'page-unload');
    expect(more).to.have.length(0);
    await pastTheRevoke();
    expect(await intentSignals(el)).to.deep.equal(['intent']);
  });

  it('pagehide in the same task as beforeunload (a fast tab close): the cancel alone, no intent', async () => {
    const el = await mount();
    fireBeforeUnload();
    firePagehide();
    await arrived(el.sessionId);
    await pastTheRevoke();
    expect(await intentSignals(el)).to.deep.equal([]);
    expect((await recorded(el.sessionId)).map((r) => r.body?.reason)).to.deep.equal(['page-unload']);
  });

  const prompts: Array<[string, (event: BeforeUnloadEvent) => void]> = [
    ['preventDefault()', (event) => event.preventDefault()],
    ['a returnValue', (event) => (event.returnValue = 'You have unsaved changes')],
  ];
  for (const [how, askForPrompt] of prompts) {
    it(`a page handler added after the element asks for a leave prompt (${how}) and the shopper stays: nothing is sent`, async () => {
      const el = await mount();
      // Added after the element's own listener, so it runs after it: only the deferred check sees it.
      addEventListener('beforeunload', askForPrompt);
      try {
        fireBeforeUnload();
        await pastTheRevoke();
        expect(await intentSignals(el)).to.deep.equal([]);
        expect(el.state).to.equal('active');
        await expectNothingSentYet(el);
      } finally {
        removeEventListener('beforeunload', askForPrompt);
      }
    });
  }

  it('a beforeunload Event made by script (legacy returnValue true) counts as a prompt: nothing is sent', async () => {
    const el = await mount();
    dispatchEvent(new Event('beforeunload', { cancelable: true }));
    await settle();
    expect(await intentSignals(el)).to.deep.equal([]);
    await expectNothingSentYet(el);
  });

  it('a leave prompt asked for, and the shopper leaves: pagehide cancels, no intent before it', async () => {
    const el = await mount();
    const askForPrompt = (event: Event) => event.preventDefault();
    addEventListener('beforeunload', askForPrompt);
    try {
      fireBeforeUnload();
      await settle();
      firePagehide();
      const [cancel, ...more] = await arrived(el.sessionId);
      expectCancelBody(cancel!, el, 'page-unload');
      expect(more).to.have.length(0);
      expect(await intentSignals(el)).to.deep.equal([]);
    } finally {
      removeEventListener('beforeunload', askForPrompt);
    }
  });

  it('hidden by the time the page is found still there: `hidden` again instead of a revoke, so the away hold stands', async () => {
    const el = await mount();
    fireBeforeUnload();
    await signalsArrived(el.sessionId, 'intent');
    try {
      // Another tab's leave prompt kept the window, which is now behind it; a revoke would
      // shorten the hidden tab's hold to a lease without heartbeats.
      setVisibility('hidden');
      await pastTheRevoke();
      const names = (await signalNames(el.sessionId)).filter((name) => name !== 'alive');
      expect(names).to.not.include('revoke');
      expect(names.slice(names.indexOf('intent') + 1)).to.deep.equal(['hidden', 'hidden']);
    } finally {
      restoreVisibility();
    }
  });

  it('the session ended during the grace: no revoke for it', async () => {
    const el = await mount();
    fireBeforeUnload();
    await signalsArrived(el.sessionId, 'intent');
    postFromFlow(el, { step: 'SUCCESS' });
    await nextEvent(el, 'bps-exit');
    await pastTheRevoke();
    expect(await intentSignals(el)).to.deep.equal(['intent']);
    expect(await recorded(el.sessionId)).to.have.length(0);
  });

  it('a relay without leases (404 to the first heartbeat): no intent is sent', async () => {
    const sessionId = newSessionId();
    await setLeaseAnswer(sessionId, { httpStatus: 404 });
    const el = await mount({ sessionId });
    await signalsArrived(sessionId, 'alive');
    await settle();
    fireBeforeUnload();
    await pastTheRevoke();
    expect(await signalNames(sessionId)).to.deep.equal(['alive']);
    await expectNothingSentYet(el);
  });
});

describe('abandonment: the opt-in hidden signal', () => {
  afterEach(restoreVisibility);

  it('cancels after the tab stayed hidden for hidden-delay', async () => {
    const el = await mount({ cancelOn: 'close hidden', hiddenDelay: 100 });
    const exit = nextEvent(el, 'bps-exit');
    setVisibility('hidden');
    expect((await exit).reason).to.equal('closed');
    const requests = await arrived(el.sessionId);
    expectCancelBody(requests[0]!, el, 'tab-hidden');
  });

  it('is abandoned when the shopper comes back in time', async () => {
    const el = await mount({ cancelOn: 'close hidden', hiddenDelay: 300 });
    setVisibility('hidden');
    setVisibility('visible');
    await settle();
    await settle();
    await expectNothingSentYet(el);
  });
});

describe('abandonment: one cancel per session', () => {
  it('sends exactly one request whatever mix of signals fires at once', async () => {
    const el = await mount();
    const exits = collect(el, 'bps-exit');
    const cancels = collect(el, 'bps-cancel');
    const beacons: string[] = [];
    const original = navigator.sendBeacon;
    navigator.sendBeacon = function (...args: Parameters<typeof original>) {
      beacons.push(String(args[0]));
      return original.apply(navigator, args);
    };
    try {
      part(el, 'close-button')!.click();
      postFromFlow(el, { step: 'CLOSE' });
      fireBeforeUnload();
      firePagehide(true);
      firePagehide();
      const outcomes = [el.cancel(), el.cancel('page-unload')];
      el.remove();
      await Promise.all(outcomes);
      await settle();
    } finally {
      navigator.sendBeacon = original;
    }
    const requests = await recorded(el.sessionId);
    expect(requests).to.have.length(1);
    expect(requests[0]!.body?.reason).to.equal('close-button');
    expect(beacons).to.have.length(0);
    expect(exits.map((e) => e.reason)).to.deep.equal(['closed']);
    expect(cancels.map((e) => e.outcome)).to.deep.equal(['cancelled']);
  });

  it('sends exactly one beacon when unload paths race', async () => {
    const el = await mount();
    firePagehide(true);
    fireBeforeUnload();
    firePagehide();
    el.remove();
    await arrived(el.sessionId);
    await settle();
    const requests = await recorded(el.sessionId);
    expect(requests.map((r) => r.body?.reason)).to.deep.equal(['bfcache']);
  });
});
