import { expect, waitUntil } from '@open-wc/testing';
import type { BankPaySession } from '../../src/element/index.js';
import {
  collect,
  firePagehide,
  firePageshow,
  frameOf,
  hostedFlowUrl,
  mount,
  newSessionId,
  part,
  recorded,
  restoreVisibility,
  setProviderStatus,
  setVisibility,
  settle,
  nextEvent,
} from './support.js';

function expectTimedOutView(el: BankPaySession): void {
  expect(frameOf(el) === null, 'the frame is gone').to.equal(true);
  const message = part(el, 'message')!;
  expect(message.getAttribute('role')).to.equal('alert');
  const heading = message.querySelector('h2')!;
  expect(heading.textContent).to.equal('Your payment session has ended');
  expect(heading.tabIndex).to.equal(-1);
  expect(part(el, 'restart-button')!.textContent).to.equal('Start again');
}

/** Moves the wall clock forward, as when a frozen or hidden page wakes up late. */
function jumpClock(ms: number): () => void {
  const realNow = Date.now;
  Date.now = () => realNow.call(Date) + ms;
  return () => {
    Date.now = realNow;
  };
}

describe('the timed-out state', () => {
  afterEach(restoreVisibility);

  it('shows when expires-at passes, without sending anything', async () => {
    const el = await mount();
    // Set once the flow shows, so a slow frame load cannot make the session expire first.
    el.expiresAt = new Date(Date.now() + 300).toISOString();
    const exit = nextEvent(el, 'bps-exit');
    expect((await exit).reason).to.equal('expired');
    await el.updateComplete;
    expect(el.state).to.equal('expired');
    expect(el.getAttribute('state')).to.equal('expired');
    expectTimedOutView(el);
    await settle();
    expect(await recorded(el.sessionId)).to.have.length(0);
  });

  it('shows at once for a session that expired before the element started (epoch milliseconds)', async () => {
    const el = await mount({ expiresAt: String(Date.now() - 1000), active: false });
    expect(el.state).to.equal('expired');
    expectTimedOutView(el);
  });

  for (const [name, wake] of [
    ['the tab becomes visible', () => setVisibility('visible')],
    ['the page is shown again', () => firePageshow(false)],
    // `resume` is fired at the document and does not bubble: the element must still hear it.
    ['a frozen page resumes', () => document.dispatchEvent(new Event('resume'))],
  ] as const) {
    it(`recomputes expiry from the wall clock when ${name}`, async () => {
      const el = await mount({ expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
      const restore = jumpClock(2 * 3_600_000);
      try {
        wake();
        await el.updateComplete;
        expect(el.state).to.equal('expired');
      } finally {
        restore();
      }
    });
  }

  it('does not steal focus from elsewhere on the page', async () => {
    const el = await mount();
    const outside = document.createElement('input');
    el.before(outside);
    outside.focus();
    el.expiresAt = Date.now() + 200;
    try {
      await nextEvent(el, 'bps-exit');
      await el.updateComplete;
      expect(document.activeElement === outside, 'focus stayed outside').to.equal(true);
    } finally {
      outside.remove();
    }
  });

  it('moves focus to its heading when the shopper was in the element', async () => {
    const el = await mount();
    const close = part(el, 'close-button')!;
    close.focus();
    close.click();
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement === el.shadowRoot!.querySelector('h2'), 'the heading has focus').to.equal(true);
  });

  it('"start again" emits bps-restart with the old session id; new attributes start a new session', async () => {
    const el = await mount();
    const oldSessionId = el.sessionId;
    await el.cancel();
    await el.updateComplete;
    const restart = nextEvent(el, 'bps-restart');
    part(el, 'restart-button')!.click();
    const event = await restart;
    expect(event.sessionId).to.equal(oldSessionId);
    expect(event.bubbles && event.composed).to.equal(true);
    el.sessionId = newSessionId();
    el.src = hostedFlowUrl();
    await waitUntil(() => el.state === 'active');
    expect(frameOf(el) !== null, 'a frame').to.equal(true);
  });
});

describe('re-checking the provider status', () => {
  it('on a back/forward-cache restore, shows the timed-out state when the session was cancelled meanwhile', async () => {
    const sessionId = newSessionId();
    // bfcache left out of cancel-on, so entering the cache sends nothing and the status decides.
    const el = await mount({ sessionId, statusUrl: `/__recorder/status/${sessionId}`, cancelOn: 'close' });
    firePagehide(true);
    await setProviderStatus(sessionId, 'Cancelled', 'EFT0501');
    const exits = collect(el, 'bps-exit');
    firePageshow(true);
    await waitUntil(() => el.state === 'cancelled', 'the status to be re-checked');
    await el.updateComplete;
    expect(exits.map((e) => e.reason)).to.deep.equal(['expired']);
    expectTimedOutView(el);
    expect(await recorded(sessionId)).to.have.length(0);
  });

  it('when the tab becomes visible again', async () => {
    const sessionId = newSessionId();
    const el = await mount({ sessionId, statusUrl: `/__recorder/status/${sessionId}` });
    try {
      setVisibility('hidden');
      await setProviderStatus(sessionId, 'Expired', 'EFT0601');
      setVisibility('visible');
      await waitUntil(() => el.state === 'expired', 'the status to be re-checked');
    } finally {
      restoreVisibility();
    }
    expect(await recorded(sessionId)).to.have.length(0);
  });

  it('on a restore, keeps a session that is still open', async () => {
    const sessionId = newSessionId();
    const el = await mount({ sessionId, statusUrl: `/__recorder/status/${sessionId}`, cancelOn: 'close' });
    const states = collect(el, 'bps-state-change');
    firePagehide(true);
    firePageshow(true);
    await settle();
    expect(states.map((e) => e.state)).to.deep.equal([]);
    expect(el.state).to.equal('active');
  });

  it('on a restore after the bfcache cancel, still shows the timed-out state', async () => {
    const sessionId = newSessionId();
    const el = await mount({ sessionId, statusUrl: `/__recorder/status/${sessionId}` });
    firePagehide(true);
    // The element cancels from a microtask queued in pagehide, which a real browser runs long
    // before the page can be shown again.
    await Promise.resolve();
    firePageshow(true);
    await el.updateComplete;
    expect(el.state).to.equal('cancelled');
    expectTimedOutView(el);
  });

  it('on a restore, follows a session that completed meanwhile', async () => {
    const sessionId = newSessionId();
    const el = await mount({ sessionId, statusUrl: `/__recorder/status/${sessionId}`, cancelOn: 'close' });
    firePagehide(true);
    await setProviderStatus(sessionId, 'Completed', 'EFT0301');
    firePageshow(true);
    await waitUntil(() => el.state === 'completed');
  });

  it('when the session starts, so a page resumed from history shows at once that it is over', async () => {
    const sessionId = newSessionId();
    await setProviderStatus(sessionId, 'Expired', 'EFT0601');
    const el = await mount({ sessionId, statusUrl: `/__recorder/status/${sessionId}`, active: false });
    await waitUntil(() => el.state === 'expired');
  });

  it('ignores a status the relay would never answer (the relay normalizes the provider spellings)', async () => {
    const sessionId = newSessionId();
    const el = await mount({ sessionId, statusUrl: `/__recorder/status/${sessionId}`, cancelOn: 'close' });
    await setProviderStatus(sessionId, 'canceled', 'EFT0501');
    firePageshow(true);
    await settle();
    expect(el.state).to.equal('active');
  });

  it('ignores a status endpoint that fails', async () => {
    const el = await mount({ statusUrl: '/__recorder/nowhere' });
    firePageshow(true);
    await settle();
    expect(el.state).to.equal('active');
  });
});
