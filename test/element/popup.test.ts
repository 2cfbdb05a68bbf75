// The flow in a window of its own: the launcher, the window's messages, every way a window
// session ends, a frame that never comes alive, and a browser that refuses the window. Windows
// are real (the runner's browsers allow a script to open them); the recorder shows what reached
// the wire.
import { aTimeout, expect, waitUntil } from '@open-wc/testing';
import type { BankPaySession } from '../../src/element/index.js';
import {
  arrived,
  CANCEL_TOKEN,
  collect,
  firePagehide,
  frameOf,
  hostedFlowUrl,
  mount,
  newSessionId,
  nextEvent,
  OTHER_ORIGIN,
  PAGE_ORIGIN,
  pageReceives,
  part,
  postFromWindow,
  recordWindows,
  recorded,
  setProviderStatus,
  settle,
  silentFlowUrl,
} from './support.js';

function texts(el: BankPaySession): string[] {
  return [...el.shadowRoot!.querySelectorAll('h2, p, button, a')].map((node) => node.textContent ?? '');
}

/** Lets the element's own message listener run before asserting what it did. */
const afterListeners = () => new Promise((resolve) => setTimeout(resolve, 0));

let windows: ReturnType<typeof recordWindows>;
beforeEach(() => {
  windows = recordWindows();
});
afterEach(() => windows.restore());

/** Presses the launcher and returns the window it opened, once the flow in it said it runs. */
async function openWindow(el: BankPaySession): Promise<Window> {
  const running = pageReceives((event) => (event.data as { fixture?: string })?.fixture === 'running');
  const launcher = part(el, 'open-button')!;
  launcher.focus(); // as a shopper's click does
  launcher.click();
  const win = windows.opened.at(-1);
  if (!win) throw new Error('no window opened');
  await running;
  await afterListeners();
  return win;
}

describe('mode="popup": the launcher', () => {
  it('starts at the launcher: no frame, a button that opens the bank, the close button, accessible', async () => {
    const el = await mount({ mode: 'popup' });
    expect(el.state).to.equal('launch');
    expect(frameOf(el) === null, 'no frame').to.equal(true);
    expect(part(el, 'open-button')!.textContent).to.equal('Continue to your bank');
    expect(texts(el)).to.deep.equal(['Cancel payment', 'Your bank can’t open here.', 'Continue to your bank']);
    await expect(el).to.be.accessible();
    await settle();
    expect(await recorded(el.sessionId)).to.have.length(0);
  });

  it('speaks Canadian French', async () => {
    const el = await mount({ mode: 'popup', lang: 'fr' });
    expect(texts(el)).to.deep.equal(['Annuler le paiement', 'Votre banque ne peut s’ouvrir ici.', 'Continuer vers votre banque']);
    await openWindow(el);
    await el.updateComplete;
    expect(texts(el)).to.deep.equal(['Annuler le paiement', 'Continuez dans la fenêtre de votre banque.', 'Continuer vers votre banque']);
  });

  it('opens the flow in a window from the click, says so, and the same button then brings it to the front', async () => {
    const el = await mount({ mode: 'popup' });
    const changed = nextEvent(el, 'bps-state-change');
    const win = await openWindow(el);
    expect((await changed).state).to.equal('window');
    expect(windows.opened).to.have.length(1);
    expect(win.closed).to.equal(false);
    await el.updateComplete;
    expect(el.state).to.equal('window');
    expect(el.getAttribute('state')).to.equal('window');
    expect(texts(el)).to.deep.equal(['Cancel payment', 'Continue in your bank’s window.', 'Continue to your bank']);
    expect(el.shadowRoot!.activeElement?.tagName, 'the shopper stays in the element: on the new heading').to.equal('H2');
    part(el, 'open-button')!.click();
    expect(windows.opened, 'no second window: the open one comes to the front').to.have.length(1);
    expect(win.closed).to.equal(false);
    await expect(el).to.be.accessible();
    await settle();
    expect(await recorded(el.sessionId)).to.have.length(0);
  });

  it('a frame the server wrote into the tag is not kept: the flow runs in its window only', async () => {
    const el = document.createElement('bank-pay-session');
    const written = document.createElement('iframe');
    written.src = hostedFlowUrl();
    el.append(written);
    el.mode = 'popup';
    el.src = hostedFlowUrl();
    el.sessionId = newSessionId();
    document.body.append(el);
    try {
      await el.updateComplete;
      expect(el.state).to.equal('launch');
      expect(el.querySelector('iframe') === null, 'the written frame is removed').to.equal(true);
    } finally {
      el.cancelOn = '';
      el.remove();
    }
  });
});

describe('mode="popup": the window\'s messages', () => {
  it('takes steps from that window, and SUCCESS completes the checkout with no cancel and closes the window', async () => {
    const el = await mount({ mode: 'popup' });
    const win = await openWindow(el);
    const steps = collect(el, 'bps-step');
    const exit = nextEvent(el, 'bps-exit');
    postFromWindow(win, { step: 'INSTITUTION_SELECTED', institution: 'Demo Bank' });
    postFromWindow(win, { step: 'SUCCESS' });
    expect((await exit).reason).to.equal('completed');
    expect(steps.map((e) => e.step)).to.deep.equal(['INSTITUTION_SELECTED', 'SUCCESS']);
    await el.updateComplete;
    expect(texts(el)).to.deep.equal(['Payment authorized']);
    await waitUntil(() => win.closed, 'the window to close');
    await settle();
    expect(await recorded(el.sessionId)).to.have.length(0);
  });

  it('ignores another window of the flow\'s own origin, and the flow\'s window once it left that origin', async () => {
    const el = await mount({ mode: 'popup' });
    const win = await openWindow(el);
    const steps = collect(el, 'bps-step', 'bps-exit');
    // Another window on the flow's origin, opened by the page itself, claims success.
    const rogue = window.open(hostedFlowUrl(OTHER_ORIGIN, { step: 'SUCCESS' }), '_blank');
    await pageReceives((event) => event.source === rogue && (event.data as { step?: string })?.step === 'SUCCESS');
    // The flow's own window navigates to another origin (an open redirect, say) and claims it too.
    const moved = pageReceives((event) => event.source === win && event.origin === PAGE_ORIGIN);
    win.postMessage({ cmd: 'navigate', url: hostedFlowUrl(PAGE_ORIGIN, { step: 'SUCCESS' }) }, '*');
    await moved;
    await afterListeners();
    expect(steps.map((e) => e.type)).to.deep.equal([]);
    expect(el.state).to.equal('window');
  });
});

describe('mode="popup": how a window session ends', () => {
  it('the shopper closes the window: one cancel, as a close, and the timed-out state', async () => {
    const el = await mount({ mode: 'popup' });
    const win = await openWindow(el);
    const exit = nextEvent(el, 'bps-exit');
    const cancelled = nextEvent(el, 'bps-cancel');
    win.close();
    expect((await exit).reason).to.equal('closed');
    expect((await cancelled).outcome).to.equal('cancelled');
    await el.updateComplete;
    expect(el.state).to.equal('cancelled');
    expect(texts(el)).to.deep.equal(['Your payment session has ended', 'No payment was made.', 'Start again']);
    const requests = await recorded(el.sessionId);
    expect(requests.map((r) => r.body)).to.deep.equal([{ sessionId: el.sessionId, token: CANCEL_TOKEN, reason: 'close-button' }]);
    expect(requests[0]!.secFetchMode, 'a fetch: the shopper is still on the page to see its answer').to.equal('cors');
    await expect(el).to.be.accessible();
  });

  it('with cancel-on leaving the close out, a closed window brings the launcher back and sends nothing', async () => {
    const el = await mount({ mode: 'popup', cancelOn: 'removal unload bfcache' });
    const win = await openWindow(el);
    win.close();
    await waitUntil(() => el.state === 'launch', 'the launcher again');
    await settle();
    expect(await recorded(el.sessionId)).to.have.length(0);
    await el.cancel();
    expect((await arrived(el.sessionId)).map((r) => r.body?.reason)).to.deep.equal(['api']);
  });

  it('the close button while the window is open: one cancel, and the window is closed', async () => {
    const el = await mount({ mode: 'popup' });
    const win = await openWindow(el);
    const cancelled = nextEvent(el, 'bps-cancel');
    part(el, 'close-button')!.click();
    expect((await cancelled).reason).to.equal('close-button');
    await waitUntil(() => win.closed, 'the window to close');
    await settle();
    expect((await recorded(el.sessionId)).map((r) => r.body?.reason)).to.deep.equal(['close-button']);
  });

  it('the checkout leaving (pagehide): a beacon, and the window is closed', async () => {
    const el = await mount({ mode: 'popup' });
    const win = await openWindow(el);
    firePagehide();
    const requests = await arrived(el.sessionId);
    expect(requests.map((r) => [r.body?.reason, r.secFetchMode])).to.deep.equal([['page-unload', 'no-cors']]);
    await waitUntil(() => win.closed, 'the window to close');
  });

  it('the element removed for good (SPA route): a beacon, and the window is closed', async () => {
    const el = await mount({ mode: 'popup' });
    const win = await openWindow(el);
    const exit = nextEvent(el, 'bps-exit');
    el.remove();
    expect((await exit).reason).to.equal('navigated');
    expect((await arrived(el.sessionId)).map((r) => r.body?.reason)).to.deep.equal(['spa-navigation']);
    await waitUntil(() => win.closed, 'the window to close');
  });

  it('a window that reads closed at once with nothing heard is taken for a cut link (COOP): no cancel, the relay decides', async () => {
    const statusUrl = (id: string) => `/__recorder/status/${id}`;
    const sessionId = newSessionId();
    // The stand-in posts nothing (as a page under COOP cannot) and is gone right away: the
    // window reads closed as COOP makes it read while the page is still open.
    const el = await mount({ mode: 'popup', sessionId, src: silentFlowUrl(), statusUrl: statusUrl(sessionId) });
    part(el, 'open-button')!.click();
    windows.opened.at(-1)!.close();
    await waitUntil(() => el.state === 'detached', 'the detached state', { timeout: 5000 });
    await el.updateComplete;
    expect(texts(el)).to.deep.equal(['Cancel payment', 'Continue in your bank’s window.']);
    await expect(el).to.be.accessible();
    await settle();
    expect(await recorded(sessionId)).to.have.length(0);
    // The payment completes in the other window: the element learns it from the relay's status, polled.
    await setProviderStatus(sessionId, 'Completed', 'EFT0301');
    const exit = nextEvent(el, 'bps-exit');
    expect((await exit).reason).to.equal('completed');
    expect(el.state).to.equal('completed');
    expect(await recorded(sessionId)).to.have.length(0);
  });

  it('a detached session still cancels by its close button', async () => {
    const el = await mount({ mode: 'popup', src: silentFlowUrl() });
    part(el, 'open-button')!.click();
    windows.opened.at(-1)!.close();
    await waitUntil(() => el.state === 'detached', 'the detached state', { timeout: 5000 });
    await el.updateComplete;
    part(el, 'close-button')!.click();
    expect((await arrived(el.sessionId)).map((r) => r.body?.reason)).to.deep.equal(['close-button']);
  });
});

describe('mode="auto" and mode="iframe": a frame that never comes alive', () => {
  it('auto: the frame loaded and posted nothing in time, so the launcher replaces it and says why; nothing is sent', async () => {
    const el = await mount({ src: silentFlowUrl(), frameTimeout: 300 });
    const exits = collect(el, 'bps-exit');
    await waitUntil(() => el.state === 'launch', 'the launcher', { timeout: 4000 });
    await el.updateComplete;
    expect(frameOf(el) === null, 'the dead frame is gone').to.equal(true);
    expect(texts(el)).to.deep.equal(['Cancel payment', 'Your bank can’t open here.', 'Continue to your bank']);
    await expect(el).to.be.accessible();
    expect(exits).to.have.length(0);
    await settle();
    expect(await recorded(el.sessionId)).to.have.length(0);
  });

  it('auto: the window it then offers runs the flow to completion', async () => {
    const el = await mount({ src: silentFlowUrl(), frameTimeout: 300 });
    await waitUntil(() => el.state === 'launch', 'the launcher', { timeout: 4000 });
    await el.updateComplete;
    part(el, 'open-button')!.click();
    const win = windows.opened.at(-1)!;
    // The silent stand-in posts nothing on its own; driven, it posts as the flow does. Asked
    // again until it answers: a command sent before its page runs is lost.
    const exit = nextEvent(el, 'bps-exit');
    const asking = setInterval(() => postFromWindow(win, { step: 'SUCCESS' }), 100);
    try {
      expect((await exit).reason).to.equal('completed');
    } finally {
      clearInterval(asking);
    }
  });

  it('auto: a flow that posts in time stays framed, past the bound', async () => {
    const el = await mount({ frameTimeout: 300 });
    await aTimeout(600);
    expect(el.state).to.equal('active');
    expect(frameOf(el) !== null, 'still framed').to.equal(true);
  });

  it('iframe: the same silence ends in the error state, with one exit and nothing sent', async () => {
    const el = await mount({ src: silentFlowUrl(), frameTimeout: 300, mode: 'iframe' });
    const exit = nextEvent(el, 'bps-exit');
    expect((await exit).reason).to.equal('error');
    await el.updateComplete;
    expect(el.state).to.equal('error');
    expect(frameOf(el) === null, 'no live-looking broken frame').to.equal(true);
    expect(texts(el)).to.deep.equal(['Payment page unavailable']);
    await expect(el).to.be.accessible();
    await settle();
    expect(await recorded(el.sessionId)).to.have.length(0);
  });
});

interface AxeWindow {
  axe: { run(context: Element): Promise<{ violations: Array<{ id: string }> }> };
}

describe('a browser that refuses the window', () => {
  /** The element inside a frame sandboxed without allow-popups: its window.open returns null, as under a blocker. */
  async function mountRefused(): Promise<{ el: BankPaySession; frame: HTMLIFrameElement }> {
    const frame = document.createElement('iframe');
    frame.setAttribute('sandbox', 'allow-scripts allow-same-origin');
    frame.src = new URL('/test/element/fixtures/sandboxed-checkout.html', PAGE_ORIGIN).href;
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    await loaded;
    const inner = frame.contentWindow!;
    await inner.customElements.whenDefined('bank-pay-session');
    const el = inner.document.createElement('bank-pay-session') as BankPaySession;
    const sessionId = newSessionId();
    Object.assign(el, { mode: 'popup', src: hostedFlowUrl(), sessionId, cancelUrl: '/__recorder/cancel', cancelToken: CANCEL_TOKEN, statusUrl: `/__recorder/status/${sessionId}` });
    inner.document.body.append(el);
    await el.updateComplete;
    return { el, frame };
  }

  it('offers a plain link to the same URL, for a new tab; the relay tells the outcome when the shopper comes back', async () => {
    const { el, frame } = await mountRefused();
    try {
      part(el, 'open-button')!.click();
      await el.updateComplete;
      expect(el.state).to.equal('blocked');
      const link = part(el, 'open-link') as HTMLAnchorElement;
      expect(link.href).to.equal(hostedFlowUrl());
      expect(link.target).to.equal('_blank');
      expect(texts(el)).to.deep.equal(['Cancel payment', 'Your bank can’t open here.', 'Continue to your bank']);
      // axe runs in the frame's own window: it checks the document it was loaded into.
      const { violations } = await (frame.contentWindow as unknown as AxeWindow).axe.run(el);
      expect(violations.map((violation) => violation.id)).to.deep.equal([]);
      link.click();
      await settle();
      expect(el.state, 'nothing to watch: the tab the link opens has no opener').to.equal('blocked');
      expect(await recorded(el.sessionId)).to.have.length(0);
      // Paid in that tab; the checkout's tab shows again (the link's tab had hidden it).
      await setProviderStatus(el.sessionId, 'Completed', 'EFT0301');
      const exit = nextEvent(el, 'bps-exit');
      frame.contentDocument!.dispatchEvent(new Event('visibilitychange'));
      expect((await exit).reason).to.equal('completed');
      expect(await recorded(el.sessionId)).to.have.length(0);
    } finally {
      el.cancelOn = '';
      frame.remove();
    }
  });
});
