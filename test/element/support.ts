// Helpers shared by the element's browser tests: the hosted-flow stand-in on either loopback
// origin, and the recorder that shows what really reached the wire (cancels and lease signals).
import { aTimeout, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/element/define.js';
import type { BankPaySession, BankPaySessionEventMap } from '../../src/element/index.js';

export interface RecordedRequest {
  readonly contentType: string;
  readonly text: string;
  readonly body: Record<string, unknown> | undefined;
  readonly sessionId: string | undefined;
  readonly origin: string | null;
  readonly secFetchMode: string | null;
}

const port = location.port;
/** The test page's own origin. */
export const PAGE_ORIGIN = location.origin;
/** The same server under its other loopback name: a different origin for the browser. */
export const OTHER_ORIGIN = location.hostname === 'localhost' ? `http://127.0.0.1:${port}` : `http://localhost:${port}`;

const FLOW_PATH = '/test/element/fixtures/hosted-flow.html';

export function hostedFlowUrl(origin = OTHER_ORIGIN, post?: unknown): string {
  const url = new URL(FLOW_PATH, origin);
  if (post !== undefined) url.searchParams.set('post', JSON.stringify(post));
  return url.href;
}

/** The stand-in as a refused frame behaves: it loads and posts nothing. */
export function silentFlowUrl(origin = OTHER_ORIGIN): string {
  return `${hostedFlowUrl(origin)}?silent`;
}

export function newSessionId(): string {
  return crypto.randomUUID();
}

export const CANCEL_TOKEN = 'v1.test-cancel-token';

export async function recorded(sessionId: string): Promise<RecordedRequest[]> {
  const response = await fetch(`/__recorder/requests?sessionId=${encodeURIComponent(sessionId)}`, { cache: 'no-store' });
  return (await response.json()) as RecordedRequest[];
}

/** The lease signals (`POST …/signals`) the recorder received for the session, oldest first. */
export async function signalsOf(sessionId: string): Promise<RecordedRequest[]> {
  const response = await fetch(`/__recorder/requests?kind=signals&sessionId=${encodeURIComponent(sessionId)}`, { cache: 'no-store' });
  return (await response.json()) as RecordedRequest[];
}

/** Just the signals' names, in the order they arrived. */
export async function signalNames(sessionId: string): Promise<string[]> {
  return (await signalsOf(sessionId)).map((request) => String(request.body?.signal));
}

/** How many signals of this name arrived for the session. */
export async function countSignals(sessionId: string, signal: string): Promise<number> {
  return (await signalNames(sessionId)).filter((name) => name === signal).length;
}

/** Waits until at least `count` signals of this name arrived for the session. */
export async function signalsArrived(sessionId: string, signal: string, count = 1): Promise<void> {
  await waitUntil(async () => (await countSignals(sessionId, signal)) >= count, `${count} "${signal}" signal(s) to arrive`, { timeout: 4000 });
}

export interface LeaseAnswer {
  /** The status the relay answers heartbeats with (default Initiated). */
  readonly status?: string;
  /** The interval the relay asks for (default 60 000 ms). */
  readonly heartbeatMs?: number;
  /** The HTTP status of the answer (404: a relay without leases). */
  readonly httpStatus?: number;
}

/** How the recorder's signals endpoint answers for this session from now on. */
export async function setLeaseAnswer(sessionId: string, answer: LeaseAnswer): Promise<void> {
  await fetch(`/__recorder/lease/${sessionId}`, { method: 'PUT', body: JSON.stringify(answer) });
}

/** Waits until `count` cancel requests for the session reached the recorder. */
export async function arrived(sessionId: string, count = 1): Promise<RecordedRequest[]> {
  await waitUntil(async () => (await recorded(sessionId)).length >= count, `${count} cancel request(s) to arrive`, {
    timeout: 4000,
  });
  return recorded(sessionId);
}

/**
 * Time for a request that was wrongly sent to land before asserting that none did. Tests that
 * can, also send a real cancel afterwards and check it is the only one that arrived.
 */
export function settle(): Promise<void> {
  return aTimeout(300);
}

export async function setProviderStatus(sessionId: string, status: string, statusDetails: string): Promise<void> {
  await fetch(`/__recorder/status/${sessionId}`, { method: 'PUT', body: JSON.stringify({ status, statusDetails }) });
}

export interface MountOptions {
  readonly sessionId?: string;
  readonly src?: string;
  readonly cancelUrl?: string;
  readonly statusUrl?: string;
  readonly expiresAt?: string;
  readonly cancelOn?: string;
  readonly lang?: string;
  readonly hiddenDelay?: number;
  readonly mode?: 'auto' | 'iframe' | 'popup';
  readonly frameTimeout?: number;
  /** Wait for the frame to load (state active); default true, and false in popup mode. */
  readonly active?: boolean;
}

/** Mounts an element for a fresh session on the hosted-flow stand-in, configured before it connects. */
export async function mount(options: MountOptions = {}): Promise<BankPaySession> {
  const el = document.createElement('bank-pay-session');
  el.sessionId = options.sessionId ?? newSessionId();
  el.src = options.src ?? hostedFlowUrl();
  el.cancelUrl = options.cancelUrl ?? '/__recorder/cancel';
  el.cancelToken = CANCEL_TOKEN;
  if (options.statusUrl !== undefined) el.statusUrl = options.statusUrl;
  if (options.expiresAt !== undefined) el.expiresAt = options.expiresAt;
  if (options.cancelOn !== undefined) el.cancelOn = options.cancelOn;
  if (options.lang !== undefined) el.lang = options.lang;
  if (options.hiddenDelay !== undefined) el.hiddenDelay = options.hiddenDelay;
  if (options.mode !== undefined) el.mode = options.mode;
  if (options.frameTimeout !== undefined) el.frameTimeout = options.frameTimeout;
  await fixture(html`<div>${el}</div>`);
  await el.updateComplete;
  if (options.active ?? options.mode !== 'popup') await waitUntil(() => el.state === 'active', 'the hosted flow to load', { timeout: 4000 });
  return el;
}

export function frameOf(el: BankPaySession): HTMLIFrameElement | null {
  return el.shadowRoot!.querySelector('iframe');
}

export function part(el: BankPaySession, name: string): HTMLElement | null {
  return el.shadowRoot!.querySelector(`[part~="${name}"]`);
}

/** Makes the hosted flow stand-in post `data` to the page, as the provider's app would. */
export function postFromFlow(el: BankPaySession, data: unknown): void {
  const frame = frameOf(el);
  if (!frame?.contentWindow) throw new Error('no hosted-flow frame');
  frame.contentWindow.postMessage({ cmd: 'post', data }, '*');
}

/** Resolves when the page itself receives a message for which `match` is true. */
export function pageReceives(match: (event: MessageEvent) => boolean): Promise<MessageEvent> {
  return new Promise((resolve) => {
    const listener = (event: MessageEvent) => {
      if (!match(event)) return;
      removeEventListener('message', listener);
      resolve(event);
    };
    addEventListener('message', listener);
  });
}

/** Records every event of these types from the element, in order. */
export function collect<K extends keyof HTMLElementEventMap>(el: HTMLElement, ...types: K[]): Array<HTMLElementEventMap[K]> {
  const seen: Array<HTMLElementEventMap[K]> = [];
  for (const type of types) el.addEventListener(type, (event) => seen.push(event));
  return seen;
}

/** The page hides, as on a navigation or tab close (persisted: entering the back/forward cache). */
export function firePagehide(persisted = false): void {
  dispatchEvent(new PageTransitionEvent('pagehide', { persisted }));
}

/**
 * A real BeforeUnloadEvent (empty returnValue), as the browser fires it before leaving; page
 * handlers may cancel it or set its returnValue to ask for a leave prompt. Dispatched by
 * script, it raises no real prompt.
 */
export function fireBeforeUnload(): BeforeUnloadEvent {
  const event = document.createEvent('BeforeUnloadEvent');
  event.initEvent('beforeunload', false, true);
  dispatchEvent(event);
  return event;
}

export function firePageshow(persisted = true): void {
  dispatchEvent(new PageTransitionEvent('pageshow', { persisted }));
}

/** Pretends the tab became hidden or visible (the test page itself cannot be hidden). */
export function setVisibility(state: DocumentVisibilityState): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
  document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
}

/** Restores the real visibility getters after setVisibility. */
export function restoreVisibility(): void {
  delete (document as { visibilityState?: unknown }).visibilityState;
  delete (document as { hidden?: unknown }).hidden;
}

/** The next event of this type from the element, typed by the element's event map. */
export function nextEvent<K extends keyof BankPaySessionEventMap>(el: HTMLElement, type: K): Promise<BankPaySessionEventMap[K]> {
  return oneEvent(el, type) as unknown as Promise<BankPaySessionEventMap[K]>;
}

/**
 * Records every window the page opens, while the real `window.open` still opens it (and a
 * blocker may still refuse it): the test needs the window to drive the flow stand-in in it.
 * `restore()` puts `window.open` back and closes whatever is still open.
 */
export function recordWindows(target: Window = window): { readonly opened: Array<Window | null>; restore(): void } {
  const real = target.open;
  const opened: Array<Window | null> = [];
  target.open = function (this: Window, ...args: Parameters<Window['open']>) {
    const win = real.apply(this, args);
    opened.push(win);
    return win;
  };
  return {
    opened,
    restore() {
      target.open = real;
      for (const win of opened) win?.close();
    },
  };
}

/** Makes the stand-in in the flow's window post `data` to the page, as the provider's app would. */
export function postFromWindow(win: Window, data: unknown): void {
  win.postMessage({ cmd: 'post', data }, '*');
}
