// The element's side of the relay's lease, checked on the wire: heartbeats to the signals
// endpoint beside cancel-url while the session is live and the tab visible, one `hidden`
// beacon when it is hidden, the status a heartbeat's answer carries, and the deferred cancel
// (`fetchLater`) armed and withdrawn. The recorder plays the relay and answers as it does.
import { aTimeout, expect, waitUntil } from '@open-wc/testing';
import type { BankPaySession } from '../../src/element/index.js';
import {
  arrived,
  CANCEL_TOKEN,
  countSignals,
  fireBeforeUnload,
  mount,
  newSessionId,
  nextEvent,
  OTHER_ORIGIN,
  postFromFlow,
  recorded,
  restoreVisibility,
  setLeaseAnswer,
  setVisibility,
  settle,
  signalNames,
  signalsArrived,
  signalsOf,
  type LeaseAnswer,
} from './support.js';

/** A heartbeat interval short enough that several arrive within a test. */
const FAST_MS = 150;

/** Mounts an element whose relay answers heartbeats with `answer` from the first one on. */
async function mountWithLease(answer: LeaseAnswer, options: Parameters<typeof mount>[0] = {}): Promise<BankPaySession> {
  const sessionId = newSessionId();
  await setLeaseAnswer(sessionId, answer);
  return mount({ ...options, sessionId });
}

/** No heartbeat arrives for several intervals (after one already on its way has landed). */
async function expectHeartbeatsStopped(el: BankPaySession): Promise<void> {
  await settle();
  const before = await countSignals(el.sessionId, 'alive');
  await aTimeout(FAST_MS * 5);
  expect(await countSignals(el.sessionId, 'alive'), 'no heartbeat since').to.equal(before);
}

describe('lease: heartbeats', () => {
  afterEach(restoreVisibility);

  it('while live and visible, at the interval the relay answers with', async () => {
    const el = await mountWithLease({ heartbeatMs: FAST_MS });
    // The element starts at 15 s until the relay says otherwise: only the answer's interval gets four here.
    await signalsArrived(el.sessionId, 'alive', 4);
    const [first] = await signalsOf(el.sessionId);
    expect(first!.contentType).to.equal('text/plain;charset=UTF-8');
    expect(first!.body).to.deep.equal({ sessionId: el.sessionId, token: CANCEL_TOKEN, signal: 'alive' });
    expect(first!.secFetchMode).to.equal('cors'); // a fetch: its answer is read
    expect(el.state).to.equal('active');
  });

  it('the first heartbeat leaves as the session starts, before the hosted flow has loaded', async () => {
    const el = await mount({ src: `${OTHER_ORIGIN}/__recorder/slow-page?delayMs=3000`, active: false });
    await signalsArrived(el.sessionId, 'alive');
    expect(el.state).to.equal('loading');
  });

  const endings: Array<[string, (el: BankPaySession) => Promise<unknown>]> = [
    ['the flow reported SUCCESS', async (el) => {
      postFromFlow(el, { step: 'SUCCESS' });
      await nextEvent(el, 'bps-exit');
    }],
    ["the element's own cancel", (el) => el.cancel()],
    ['the element left the page', async (el) => {
      el.remove();
      await arrived(el.sessionId);
    }],
    ['the session expired', async (el) => {
      el.expiresAt = Date.now() - 1;
      await nextEvent(el, 'bps-exit');
    }],
  ];
  for (const [name, end] of endings) {
    it(`none after ${name}`, async () => {
      const el = await mountWithLease({ heartbeatMs: FAST_MS });
      await signalsArrived(el.sessionId, 'alive', 2);
      await end(el);
      await expectHeartbeatsStopped(el);
    });
  }

  it('a new session (restart with another session id) beats for the new one only', async () => {
    const el = await mountWithLease({ heartbeatMs: FAST_MS });
    const old = el.sessionId;
    await signalsArrived(old, 'alive', 2);
    const next = newSessionId();
    await setLeaseAnswer(next, { heartbeatMs: FAST_MS });
    el.sessionId = next;
    await signalsArrived(next, 'alive', 2);
    await settle();
    const before = await countSignals(old, 'alive');
    await aTimeout(FAST_MS * 5);
    expect(await countSignals(old, 'alive')).to.equal(before);
  });
});

describe('lease: a hidden tab', () => {
  afterEach(restoreVisibility);

  it('hidden: one hidden beacon; visible again: alive at once', async () => {
    // One heartbeat a minute: a second alive soon after can only be the one sent on visible.
    const el = await mountWithLease({ heartbeatMs: 60_000 });
    await signalsArrived(el.sessionId, 'alive');
    await settle();
    setVisibility('hidden');
    await signalsArrived(el.sessionId, 'hidden');
    setVisibility('hidden'); // another visibilitychange while hidden says nothing more
    await settle();
    const signals = await signalsOf(el.sessionId);
    expect(signals.map((s) => s.body?.signal)).to.deep.equal(['alive', 'hidden']);
    expect(signals[1]!.body).to.deep.equal({ sessionId: el.sessionId, token: CANCEL_TOKEN, signal: 'hidden' });
    expect(signals[1]!.secFetchMode).to.equal('no-cors'); // a beacon: the page may be about to freeze
    setVisibility('visible');
    await signalsArrived(el.sessionId, 'alive', 2);
    expect(await signalNames(el.sessionId)).to.deep.equal(['alive', 'hidden', 'alive']);
    expect(el.state).to.equal('active');
    expect(await recorded(el.sessionId)).to.have.length(0);
  });

  it('no heartbeats while hidden, and hidden is the last word the relay gets', async () => {
    const el = await mountWithLease({ heartbeatMs: FAST_MS });
    await signalsArrived(el.sessionId, 'alive', 2);
    setVisibility('hidden');
    await signalsArrived(el.sessionId, 'hidden');
    await settle();
    const atHide = await signalNames(el.sessionId);
    await aTimeout(FAST_MS * 5);
    const names = await signalNames(el.sessionId);
    expect(names).to.deep.equal(atHide);
    // Said again only when a heartbeat was out at that moment (it might land after the beacon).
    expect(names.filter((name) => name === 'hidden').length).to.be.within(1, 2);
    expect(names.at(-1)).to.equal('hidden');
  });

  it('a session first shown in a hidden tab says hidden, and beats once the tab is visible', async () => {
    setVisibility('hidden');
    const el = await mountWithLease({ heartbeatMs: 60_000 });
    await signalsArrived(el.sessionId, 'hidden');
    await settle();
    expect(await signalNames(el.sessionId)).to.deep.equal(['hidden']);
    setVisibility('visible');
    await signalsArrived(el.sessionId, 'alive');
    expect(await signalNames(el.sessionId)).to.deep.equal(['hidden', 'alive']);
  });
});

describe("lease: the heartbeat's answer", () => {
  const terminal: Array<[string, string, string]> = [
    ['Expired', 'expired', 'expired'],
    ['Failed', 'failed', 'failed'],
    ['Completed', 'completed', 'completed'],
    // Cancelled elsewhere (another tab, the merchant's backend): for the shopper it timed out.
    ['Cancelled', 'cancelled', 'expired'],
  ];
  for (const [status, state, exitReason] of terminal) {
    it(`${status}: the element ends (${state}, bps-exit ${exitReason}) within one heartbeat, and sends nothing more`, async () => {
      const el = await mountWithLease({ heartbeatMs: FAST_MS });
      await signalsArrived(el.sessionId, 'alive');
      const exit = nextEvent(el, 'bps-exit');
      await setLeaseAnswer(el.sessionId, { status });
      expect((await exit).reason).to.equal(exitReason);
      expect(el.state).to.equal(state);
      await expectHeartbeatsStopped(el);
      fireBeforeUnload();
      el.remove();
      await settle();
      expect(await recorded(el.sessionId), 'no cancel for a session that is over').to.have.length(0);
    });
  }

  it('a relay without leases (404): heartbeats stop, nor is hidden sent; cancels still go', async () => {
    const el = await mountWithLease({ httpStatus: 404, heartbeatMs: FAST_MS });
    await signalsArrived(el.sessionId, 'alive');
    await aTimeout(FAST_MS * 5);
    setVisibility('hidden');
    await settle();
    setVisibility('visible');
    await settle();
    restoreVisibility();
    expect(await signalNames(el.sessionId)).to.deep.equal(['alive']);
    expect(el.state).to.equal('active');
    await el.cancel();
    expect((await arrived(el.sessionId)).map((r) => r.body?.reason)).to.deep.equal(['api']);
  });

  it('a cancel-url whose server has no signals route (a 404 page, not JSON): heartbeats stop quietly', async () => {
    const errors = collectErrors();
    try {
      const el = await mount({ cancelUrl: '/__nowhere/cancel', cancelOn: 'close' });
      await aTimeout(FAST_MS * 3);
      expect(el.state).to.equal('active');
    } finally {
      errors.stop();
    }
    expect(errors.seen).to.deep.equal([]);
  });

  it('a ledger that is unavailable (503, the session kept): heartbeats go on at the interval given', async () => {
    const el = await mountWithLease({ httpStatus: 503, heartbeatMs: FAST_MS });
    await signalsArrived(el.sessionId, 'alive', 3);
    expect(el.state).to.equal('active');
  });

  it('a relay that cannot be reached: the element stays live and raises no error', async () => {
    const errors = collectErrors();
    try {
      // Port 9 (discard) on loopback: nothing listens, the fetch fails at once.
      const el = await mount({ cancelUrl: 'http://127.0.0.1:9/bank-pay/cancel' });
      await aTimeout(500);
      expect(el.state).to.equal('active');
    } finally {
      errors.stop();
    }
    expect(errors.seen).to.deep.equal([]);
  });
});

/** Uncaught errors and unhandled rejections on the test page while it runs. */
function collectErrors(): { seen: string[]; stop(): void } {
  const seen: string[] = [];
  const onError = (event: ErrorEvent) => seen.push(String(event.message));
  const onRejection = (event: PromiseRejectionEvent) => seen.push(String(event.reason));
  addEventListener('error', onError);
  addEventListener('unhandledrejection', onRejection);
  return {
    seen,
    stop() {
      removeEventListener('error', onError);
      removeEventListener('unhandledrejection', onRejection);
    },
  };
}

type FetchLater = (url: string, init: RequestInit) => unknown;

interface DeferredCall {
  readonly url: string;
  readonly method: string | undefined;
  readonly body: unknown;
  readonly signal: AbortSignal | undefined;
  /** The name of what the browser's fetchLater threw, if it did. */
  readonly threw?: string;
}

/** Chromium has fetchLater on a secure page (localhost is one); Firefox and WebKit do not, yet. */
const REAL_FETCH_LATER = (window as unknown as { fetchLater?: FetchLater }).fetchLater;
const IS_CHROMIUM = navigator.userAgent.includes('Chrome/');

/**
 * Watches the element's calls to `window.fetchLater`. Where the browser has it, every call
 * goes through to it (so Chromium's own checks apply and the deferred request is real);
 * elsewhere `standIn` answers instead (default: accepts), to see what the element would do.
 */
function watchFetchLater(standIn: FetchLater = () => undefined): { calls: DeferredCall[]; restore(): void } {
  const calls: DeferredCall[] = [];
  const descriptor = Object.getOwnPropertyDescriptor(window, 'fetchLater');
  const target = REAL_FETCH_LATER ?? standIn;
  Object.defineProperty(window, 'fetchLater', {
    configurable: true,
    writable: true,
    value(url: string, init: RequestInit) {
      const call = { url, method: init.method, body: JSON.parse(String(init.body)), signal: init.signal ?? undefined };
      try {
        const result = target.call(window, url, init);
        calls.push(call);
        return result;
      } catch (error) {
        calls.push({ ...call, threw: (error as Error).name });
        throw error;
      }
    },
  });
  return {
    calls,
    restore() {
      if (descriptor) Object.defineProperty(window, 'fetchLater', descriptor);
      else delete (window as { fetchLater?: unknown }).fetchLater;
    },
  };
}

describe('lease: the deferred cancel (fetchLater)', () => {
  let watch: ReturnType<typeof watchFetchLater> | undefined;
  afterEach(() => {
    watch?.restore();
    watch = undefined;
    restoreVisibility();
  });

  it('Chromium has fetchLater on this page (so the tests below go through the real one there)', function () {
    if (!IS_CHROMIUM) this.skip();
    expect(typeof REAL_FETCH_LATER).to.equal('function');
  });

  it("armed while live and visible: the session's cancel to cancel-url, reason page-gone, never activateAfter", async () => {
    watch = watchFetchLater();
    const el = await mount();
    expect(watch.calls).to.have.length(1);
    const [call] = watch.calls;
    expect(call!.threw).to.equal(undefined);
    expect(call!.url).to.equal('/__recorder/cancel');
    expect(call!.method).to.equal('POST');
    expect(call!.body).to.deep.equal({ sessionId: el.sessionId, token: CANCEL_TOKEN, reason: 'page-gone' });
    expect(call!.signal?.aborted).to.equal(false);
    // Nothing was sent while the page lives: a deferred fetch leaves only when the document goes.
    await settle();
    expect(await recorded(el.sessionId)).to.have.length(0);
  });

  it('withdrawn when the tab is hidden (the shopper may be in their bank app), armed anew when visible', async () => {
    watch = watchFetchLater();
    await mount();
    setVisibility('hidden');
    expect(watch.calls.map((call) => call.signal?.aborted)).to.deep.equal([true]);
    setVisibility('visible');
    expect(watch.calls.map((call) => call.signal?.aborted)).to.deep.equal([true, false]);
  });

  it('withdrawn when cancel-on drops unload (a redirect the merchant lets through), armed again when it comes back', async () => {
    watch = watchFetchLater();
    const el = await mount();
    el.cancelOn = 'close flow-close removal';
    await el.updateComplete;
    expect(watch.calls.map((call) => call.signal?.aborted)).to.deep.equal([true]);
    el.cancelOn = 'close flow-close removal unload';
    await el.updateComplete;
    expect(watch.calls.map((call) => call.signal?.aborted)).to.deep.equal([true, false]);
  });

  it("withdrawn before the element's own cancel leaves", async () => {
    watch = watchFetchLater();
    const el = await mount();
    const signal = watch.calls[0]!.signal!;
    let abortedWhenSent: boolean | undefined;
    const { fetch: original } = window;
    window.fetch = (...args: Parameters<typeof fetch>) => {
      if (String(args[0]).endsWith('/cancel')) abortedWhenSent = signal.aborted;
      return original(...args);
    };
    try {
      await el.cancel();
    } finally {
      window.fetch = original;
    }
    expect(abortedWhenSent).to.equal(true);
    expect(watch.calls).to.have.length(1);
  });

  const endings: Array<[string, (el: BankPaySession) => Promise<unknown>]> = [
    ['the flow reported SUCCESS', async (el) => {
      postFromFlow(el, { step: 'SUCCESS' });
      await nextEvent(el, 'bps-exit');
    }],
    ['the element left the page (its beacon replaces it)', async (el) => {
      el.remove();
      await arrived(el.sessionId);
    }],
    ['the pagehide cancel', async (el) => {
      dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
      await arrived(el.sessionId);
    }],
  ];
  for (const [name, end] of endings) {
    it(`withdrawn when ${name}`, async () => {
      watch = watchFetchLater();
      const el = await mount();
      await end(el);
      expect(watch.calls.map((call) => call.signal?.aborted)).to.deep.equal([true]);
    });
  }

  it('a new session withdraws the old one and arms its own', async () => {
    watch = watchFetchLater();
    const el = await mount();
    const old = el.sessionId;
    el.sessionId = newSessionId();
    await el.updateComplete;
    await waitUntil(() => el.state === 'active', 'the new session to show');
    expect(watch.calls.map((call) => [(call.body as { sessionId: string }).sessionId, call.signal?.aborted])).to.deep.equal([
      [old, true],
      [el.sessionId, false],
    ]);
  });

  it('not armed when cancel-on leaves out unload', async () => {
    watch = watchFetchLater();
    await mount({ cancelOn: 'close removal' });
    expect(watch.calls).to.have.length(0);
  });

  it('absent (Firefox, WebKit): the lease alone, nothing breaks', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(window, 'fetchLater');
    Object.defineProperty(window, 'fetchLater', { configurable: true, writable: true, value: undefined });
    const errors = collectErrors();
    try {
      const el = await mount();
      await signalsArrived(el.sessionId, 'alive');
      setVisibility('hidden');
      setVisibility('visible');
      expect(el.state).to.equal('active');
      await el.cancel();
      expect((await arrived(el.sessionId)).map((r) => r.body?.reason)).to.deep.equal(['api']);
    } finally {
      errors.stop();
      if (descriptor) Object.defineProperty(window, 'fetchLater', descriptor);
      else delete (window as { fetchLater?: unknown }).fetchLater;
    }
    expect(errors.seen).to.deep.equal([]);
  });

  it("QuotaExceededError (in Chromium, the real one: the origin's deferred-fetch quota used up): falls back quietly", async () => {
    // In Chromium, real deferred requests to this origin fill its quota first; elsewhere the stand-in throws what Chromium would.
    const fillers: AbortController[] = [];
    if (REAL_FETCH_LATER) {
      // Ever smaller requests until not even a few bytes fit; every one is withdrawn at the end.
      for (let size = 16_000; size >= 4; ) {
        const controller = new AbortController();
        try {
          REAL_FETCH_LATER.call(window, '/__recorder/cancel', { method: 'POST', body: 'x'.repeat(size), signal: controller.signal });
          fillers.push(controller);
        } catch (error) {
          expect((error as Error).name).to.equal('QuotaExceededError');
          size = Math.floor(size / 2);
        }
      }
    }
    watch = watchFetchLater(() => {
      throw new DOMException('deferred-fetch quota exceeded', 'QuotaExceededError');
    });
    const errors = collectErrors();
    try {
      const el = await mount();
      // Tried again on each change of state (loading, active): each time refused.
      const tries = watch.calls.length;
      expect(tries).to.be.greaterThan(0);
      await signalsArrived(el.sessionId, 'alive');
      setVisibility('hidden');
      setVisibility('visible');
      expect(watch.calls).to.have.length(tries + 1);
      expect(new Set(watch.calls.map((call) => call.threw))).to.deep.equal(new Set(['QuotaExceededError']));
      expect(el.state).to.equal('active');
      await el.cancel();
      expect((await arrived(el.sessionId)).map((r) => r.body?.reason)).to.deep.equal(['api']);
    } finally {
      errors.stop();
      for (const controller of fillers) controller.abort();
    }
    expect(errors.seen).to.deep.equal([]);
  });

  it('SecurityError (a page on plain http): falls back quietly', async () => {
    // This page is on localhost, which browsers trust: the error is the stand-in's everywhere.
    const descriptor = Object.getOwnPropertyDescriptor(window, 'fetchLater');
    Object.defineProperty(window, 'fetchLater', {
      configurable: true,
      writable: true,
      value: () => {
        throw new DOMException('fetchLater needs a potentially trustworthy URL', 'SecurityError');
      },
    });
    const errors = collectErrors();
    try {
      const el = await mount();
      await signalsArrived(el.sessionId, 'alive');
      expect(el.state).to.equal('active');
    } finally {
      errors.stop();
      if (descriptor) Object.defineProperty(window, 'fetchLater', descriptor);
      else delete (window as { fetchLater?: unknown }).fetchLater;
    }
    expect(errors.seen).to.deep.equal([]);
  });
});
