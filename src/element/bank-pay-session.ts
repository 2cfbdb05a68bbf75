import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import type { CancelReason } from '../protocol/cancel-request.js';
import { INTENT_REVOKE_AFTER_MS } from '../protocol/signal-request.js';
import { parseHostedMessage } from '../protocol/hosted-message.js';
import type { SessionStatus } from '../protocol/status.js';
import { stepMeaning } from '../protocol/steps.js';
import { styles } from './bank-pay-session.styles.js';
import { cancelOnAllows, DEFAULT_CANCEL_ON } from './cancel-on.js';
import { expiryDelay, parseExpiresAt } from './clock.js';
import { deliverCancel, type CancelResult } from './delivery.js';
import { Lease } from './lease.js';
import {
  BpsCancelEvent,
  BpsCloseRequestEvent,
  BpsExitEvent,
  BpsReadyEvent,
  BpsRestartEvent,
  BpsStateChangeEvent,
  BpsStepEvent,
} from './events.js';
import { COOP_WINDOW_MS, FRAME_TIMEOUT_MS, STATUS_POLL_MS, WINDOW_FEATURES, WINDOW_POLL_MS } from './popup.js';
import { frameSource } from './src-policy.js';
import { isLive, transition, type ElementState, type MachineInput, type MoveTarget } from './state-machine.js';
import { fetchSessionStatus } from './status-check.js';
import { pickLang, STRINGS } from './strings.js';

/**
 * Page-level events the element listens to while connected (`beforeunload` only while live).
 * Caught on window in the capture phase, which also sees events fired at the document that
 * do not bubble (`resume`).
 */
const PAGE_EVENTS = ['message', 'pagehide', 'pageshow', 'visibilitychange', 'resume'] as const;

/**
 * Embeds a hosted pay-by-bank session, cancels it once when the shopper abandons it, and shows
 * the timed-out state without waiting for the hosted page to notice.
 *
 * @summary A hosted bank-payment session that cancels itself when abandoned.
 *
 * @attr src - URL of the hosted flow; `https:` (or `http:` on localhost / 127.0.0.1).
 * @attr session-id - The provider session id.
 * @attr cancel-url - The relay's cancel endpoint, e.g. `/bank-pay/cancel`.
 * @attr cancel-token - The cancel token minted by the merchant backend for this session.
 * @attr status-url - The relay's status endpoint for this session (re-checked on resume).
 * @attr expires-at - When the session expires: ISO 8601 or epoch milliseconds.
 * @attr cancel-on - Space-separated signals that cancel: `close flow-close removal unload bfcache` (default), plus opt-in `hidden`.
 * @attr hidden-delay - Milliseconds a tab must stay hidden before the opt-in `hidden` cancel (default 300000).
 * @attr lang - `en` or `fr` (`fr-CA` works); defaults to the closest `lang` attribute, then the document's.
 * @attr mode - `auto` (default): frame the flow, and offer a window when the frame shows no sign of life; `iframe`: frame only; `popup`: a window from the start.
 * @attr state - Reflected, read-only: loading, active, launch, blocked, window, detached, completed, failed, cancelling, cancelled, expired, error.
 *
 * @event bps-ready - The hosted flow is showing in the frame (in popup mode, watch `bps-state-change` for `window`). `BpsReadyEvent`.
 * @event bps-step - Each step the hosted flow posts: `step`, `meaning`, `data`. `BpsStepEvent`.
 * @event bps-close-request - The close button was pressed; cancelable (veto with `preventDefault()`). `BpsCloseRequestEvent`.
 * @event bps-cancel - The cancel's outcome: `reason`, `outcome`, `result`. `BpsCancelEvent`.
 * @event bps-exit - Once per session, with `reason`: completed, failed, closed, navigated, unloaded, expired, error. `BpsExitEvent`.
 * @event bps-restart - The shopper pressed "start again"; carries the old `sessionId`. `BpsRestartEvent`.
 * @event bps-state-change - The state changed: `state`, `previous`. `BpsStateChangeEvent`.
 *
 * @slot - Optional: the hosted flow's `<iframe>` for the same `src`, written by the server so it loads while the page is parsed. The element adopts it instead of making its own frame.
 *
 * @csspart frame - The iframe showing the hosted flow (the element's own; an adopted frame is styled from the page).
 * @csspart close-button - The button that closes (and cancels) the session.
 * @csspart message - The box shown instead of the frame once the session is over.
 * @csspart heading - The message's heading (focused when the shopper was in the element).
 * @csspart restart-button - The "start again" button.
 * @csspart open-button - The launcher: opens the flow in a window, and brings that window to the front once it is open.
 * @csspart open-link - Offered instead when the browser blocked the window: opens the flow in a new tab.
 *
 * @cssprop [--bps-frame-height=600px] - Height of the frame.
 * @cssprop [--bps-message-min-height=auto] - Minimum height of the message box (e.g. the frame's height, so the page does not jump).
 * @cssprop [--bps-accent=#1a56db] - Background of the "start again" button.
 * @cssprop [--bps-accent-text=#fff] - Text color of the "start again" button.
 */
export class BankPaySession extends LitElement {
  static override styles = styles;

  static override properties = {
    src: {},
    sessionId: { attribute: 'session-id' },
    cancelUrl: { attribute: 'cancel-url' },
    cancelToken: { attribute: 'cancel-token' },
    statusUrl: { attribute: 'status-url' },
    expiresAt: { attribute: 'expires-at' },
    cancelOn: { attribute: 'cancel-on' },
    hiddenDelay: { attribute: 'hidden-delay', type: Number },
    mode: {},
    // Declared so a change re-renders the text; reflected so `el.lang = 'fr'` still sets the
    // attribute that the native `lang` (and the closest-[lang] lookup) read.
    lang: { reflect: true },
  };

  /** URL of the hosted flow. */
  declare src: string;
  /** The provider session id. */
  declare sessionId: string;
  /** The relay's cancel endpoint. */
  declare cancelUrl: string;
  /** The cancel token for this session. */
  declare cancelToken: string;
  /** The relay's status endpoint for this session. */
  declare statusUrl: string;
  /** When the session expires: ISO 8601 string or epoch milliseconds. */
  declare expiresAt: string | number | undefined;
  /** Space-separated signals that cancel. */
  declare cancelOn: string;
  /** Milliseconds a tab must stay hidden before the opt-in `hidden` cancel. */
  declare hiddenDelay: number;
  /** Where the flow runs: `auto` (the default, also when unset: framed, a window when the frame shows no sign of life), `iframe`, or `popup`. */
  declare mode: 'auto' | 'iframe' | 'popup' | undefined;
  /**
   * Milliseconds after the frame loads for the flow to post anything before `auto` offers a
   * window (`iframe`: an error). Default 4000. A property only: there is no attribute.
   */
  declare frameTimeout: number;

  #state: ElementState = 'loading';
  /** Bumped for every new session, so late answers about an old session change nothing. */
  #generation = 0;
  #frameUrl: URL | undefined;
  /**
   * The page's own `<iframe>` inside the tag, for this session's src: written by the server,
   * so the hosted flow started loading while the page was parsed, before any script ran.
   */
  #adopted: HTMLIFrameElement | undefined;
  #cancelling: Promise<CancelResult> | undefined;
  #expiryTimer: ReturnType<typeof setTimeout> | undefined;
  #hiddenTimer: ReturnType<typeof setTimeout> | undefined;
  /** The flow's window, once the launcher opened one. */
  #win: Window | null | undefined;
  #openedAt: number | undefined;
  /** The flow posted something from its frame or window: it runs, and its link works. */
  #heard: boolean | undefined;
  /**
   * One timer per state of a session: the frame's time to show a sign of life while `active`,
   * the read of the window's `closed` in `window`, the relay's status in `detached`. Ended on
   * every change of state (clearTimeout and clearInterval clear either kind).
   */
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Heartbeats and the deferred cancel that keep the relay's lease on this session (lease.ts). */
  #lease = new Lease((status) => this.#apply({ type: 'status', status }));

  constructor() {
    super();
    this.src = '';
    this.sessionId = '';
    this.cancelUrl = '';
    this.cancelToken = '';
    this.statusUrl = '';
    this.cancelOn = DEFAULT_CANCEL_ON;
    this.hiddenDelay = 300_000;
    this.frameTimeout = FRAME_TIMEOUT_MS;
  }

  /** The current state (also reflected as the `state` attribute for styling). */
  get state(): ElementState {
    return this.#state;
  }

  /**
   * Cancels the session: sends its one cancel request and shows the timed-out state.
   * Safe to call any number of times: every call gets the same outcome of the same request.
   * Resolves with `outcome: 'skipped'` when the session was already over and nothing was sent.
   */
  async cancel(reason: CancelReason = 'api'): Promise<CancelResult> {
    this.#apply({ type: 'abandon', reason });
    return this.#cancelling ?? { outcome: 'skipped', reason };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen('addEventListener');
    if (this.hasUpdated) this.#refresh();
    this.#syncLease();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#listen('removeEventListener');
    clearTimeout(this.#expiryTimer);
    clearTimeout(this.#hiddenTimer);
    this.#lease.stop();
    // A DOM move re-inserts the element within the same task: only a lasting removal is abandonment.
    setTimeout(() => this.isConnected || this.#abandon('spa-navigation'));
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('src') || changed.has('sessionId')) this.#start();
    else if (changed.has('expiresAt') || changed.has('statusUrl')) this.#refresh();
    // The deferred cancel follows `cancel-on` too: one without `unload` must not send it.
    if (changed.has('cancelOn')) this.#syncBeforeUnload(), this.#syncLease();
  }

  protected override render(): TemplateResult {
    // The property first: render runs before Lit reflects it to the attribute.
    const text = STRINGS[pickLang(this.lang || this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang)];
    const close = cancelOnAllows(this.cancelOn, 'close-button')
      ? html`<button part="close-button" @click=${this.#onCloseClick}>${text.close}</button>`
      : nothing;
    const restart = html`<button part="restart-button" @click=${this.#onRestart}>${text.restart}</button>`;
    const state = this.#state;
    switch (state) {
      case 'launch':
      case 'blocked':
      case 'window':
      case 'detached':
        return html`${close}${this.#message(
          state === 'launch' || state === 'blocked' ? text.why : text.away,
          state === 'blocked'
            ? // Resolved against the page as the frame's src is; a new tab, not this one, so the checkout stays. That
              // tab has no opener: the element cannot see it, and asks the relay when the shopper comes back.
              html`<a part="open-link" href=${this.src} target="_blank">${text.open}</a>`
            : state === 'detached'
            ? nothing
            : // The same button, once the window is open, brings it to the front.
              html`<button part="open-button" @click=${this.#onOpen}>${text.open}</button>`,
        )}`;
      case 'loading':
      case 'active':
        return html`${close}${this.#adopted
          ? html`<slot></slot>`
          : this.#frameUrl
          ? keyed(
              this.#generation,
              html`<iframe part="frame" title=${text.frame} src=${this.#frameUrl.href} @load=${this.#onFrameLoad}></iframe>`,
            )
          : nothing}`;
      case 'completed':
        return this.#message(text.completed);
      case 'failed':
        return this.#message(text.failed, restart);
      case 'error':
        return this.#message(text.error);
      default: // cancelling, cancelled, expired: the timed-out state, at once, whatever the relay answers
        return this.#message(text.ended, restart, text.noPayment);
    }
  }

  /** What replaces the frame (once the session is over, or while it runs in a window): an alert, so it is announced at once. */
  #message(title: string, action: unknown = nothing, body = ''): TemplateResult {
    return html`<div part="message" role="alert"><h2 part="heading" tabindex="-1">${title}</h2>${body
      ? html`<p>${body}</p>`
      : nothing}${action}</div>`;
  }

  /** Begins a new session from the current attributes. */
  #start(): void {
    this.#generation++;
    this.#adopted = undefined;
    this.#cancelling = undefined;
    this.#win?.close();
    this.#win = undefined;
    this.#heard = false;
    this.#frameUrl = this.src ? frameSource(this.src, document.baseURI) : undefined;
    const popup = this.mode === 'popup';
    const child = this.querySelector('iframe');
    // A frame left from an earlier session (or written for a flow that runs in a window) would go on running unseen.
    if (child && !popup && child.src === this.#frameUrl?.href) (this.#adopted = child).addEventListener('load', this.#onFrameLoad);
    else child?.remove();
    const valid = !this.src || this.#frameUrl !== undefined;
    this.#apply({ type: 'start', valid, popup });
    this.#refresh();
  }

  /** Feeds the state machine and carries out what it decides. */
  #apply(input: MachineInput): void {
    const next = transition(this.#state, input);
    if (!next) return;
    const previous = this.#state;
    const sessionId = this.sessionId;
    this.#state = next.state;
    this.setAttribute('state', next.state);
    // The deferred cancel is withdrawn first: the element's own cancel replaces it.
    this.#syncLease();
    // Sent before any event handler runs, so a handler calling cancel() gets this same request.
    if (next.cancel) this.#cancelling = this.#send(next.cancel);
    if (previous !== next.state) {
      clearInterval(this.#timer);
      if (next.state === 'window') this.#timer = setInterval(this.#watchWindow, WINDOW_POLL_MS);
      // The status, as on resume (and the opt-in hidden cancel held: the shopper is in their bank's window). The
      // link's tab hides this one, and coming back refreshes all the same (visibilitychange); a COOP window does not.
      if (next.state === 'detached') this.#timer = setInterval(() => this.#refresh(), STATUS_POLL_MS);
      // Ended (completed, cancelled from either page, expired): the window has nothing left to show. Under COOP, or
      // from a pagehide the browser does not allow it, the close does nothing.
      if (!isLive(next.state)) this.#win?.close();
    }
    this.#syncBeforeUnload();
    this.requestUpdate();
    // The shopper was in the frame or on a button that is going away: keep their focus in the
    // element, on the heading of what replaces it.
    if (this.shadowRoot?.activeElement) void this.updateComplete.then(() => this.renderRoot.querySelector('h2')?.focus());
    if (previous !== next.state) this.dispatchEvent(new BpsStateChangeEvent(sessionId, next.state, previous));
    if (previous === 'loading' && next.state === 'active') this.dispatchEvent(new BpsReadyEvent(sessionId));
    if (next.exit) this.dispatchEvent(new BpsExitEvent(sessionId, next.exit));
  }

  #send(reason: CancelReason): Promise<CancelResult> {
    const { cancelUrl: url, sessionId, cancelToken: token } = this;
    const generation = this.#generation;
    return deliverCancel({ url, sessionId, token }, reason).then((result) => {
      if (generation === this.#generation) this.#apply({ type: 'settled', status: result.status as SessionStatus });
      this.dispatchEvent(new BpsCancelEvent(sessionId, result));
      return result;
    });
  }

  /** An abandonment signal: cancels only when `cancel-on` lists it. */
  #abandon(reason: CancelReason): void {
    if (cancelOnAllows(this.cancelOn, reason)) void this.cancel(reason);
  }

  #listen(method: 'addEventListener' | 'removeEventListener'): void {
    for (const type of PAGE_EVENTS) window[method](type, this.#onPageEvent, true);
    this.#syncBeforeUnload();
  }

  #syncLease(): void {
    const { cancelUrl: url, sessionId, cancelToken: token } = this;
    this.#lease.sync(this.isConnected && isLive(this.#state) ? { url, sessionId, token } : undefined, cancelOnAllows(this.cancelOn, 'page-unload'));
  }

  /** `beforeunload` is attached only while a session is live, where it can matter. */
  #syncBeforeUnload(): void {
    const wanted = this.isConnected && isLive(this.#state) && cancelOnAllows(this.cancelOn, 'page-unload');
    window[wanted ? 'addEventListener' : 'removeEventListener']('beforeunload', this.#onPageEvent);
  }

  /** Timers cannot be trusted after the page was hidden or frozen: recompute from the wall clock. */
  #refresh(): void {
    clearTimeout(this.#hiddenTimer);
    // The page's load waits for its frames: an adopted frame that loaded before this element
    // was defined has no load event left to fire, and pageshow comes right after load.
    if (this.#adopted && document.readyState === 'complete') this.#apply({ type: 'ready' });
    this.#checkExpiry();
    if (this.statusUrl && isLive(this.#state)) void this.#checkStatus();
  }

  #checkExpiry = (): void => {
    clearTimeout(this.#expiryTimer);
    const expiresAt = parseExpiresAt(this.expiresAt);
    if (expiresAt === undefined || !isLive(this.#state) || !this.isConnected) return;
    const delay = expiryDelay(expiresAt, Date.now());
    if (delay === 0) this.#apply({ type: 'expire' });
    else this.#expiryTimer = setTimeout(this.#checkExpiry, delay);
  };

  async #checkStatus(): Promise<void> {
    const generation = this.#generation;
    const status = await fetchSessionStatus(this.statusUrl);
    if (status && generation === this.#generation && this.isConnected) this.#apply({ type: 'status', status });
  }

  #onPageEvent = (event: Event): void => {
    switch (event.type) {
      case 'message':
        return this.#onMessage(event as MessageEvent);
      case 'pagehide':
        // From a microtask: when a Firefox tab closes, most beacons sent from inside the first
        // pagehide listener are lost, and the same beacon sent a microtask later arrives
        // (docs/engines.md). The page is still there until every listener has run.
        return queueMicrotask(() => this.#abandon((event as PageTransitionEvent).persisted ? 'bfcache' : 'page-unload'));
      case 'beforeunload':
        // Judged in a task of its own, once every beforeunload handler has run, those added
        // after this one too (docs/leases.md: the intent).
        return void setTimeout(this.#intend, 0, event);
      case 'visibilitychange':
        this.#syncLease();
        return document.visibilityState === 'hidden' ? this.#onHidden() : this.#refresh();
      default: // pageshow, resume
        return this.#refresh();
    }
  };

  /**
   * No handler asked for a "leave this page?" prompt, so the page is going away: say so while
   * a beacon still surely leaves, a second line should the pagehide confirm be lost. The
   * relay cancels when its grace ends unless pagehide confirms sooner, or the revoke below
   * tells it the page stayed after all (a download link, a cancelled navigation). With a
   * prompt asked for, nothing is sent: a shopper who stays must keep the session, and one
   * who leaves is cancelled by pagehide.
   */
  #intend = (event: BeforeUnloadEvent): void => {
    // A prompt is asked for by preventDefault() or a non-empty returnValue. (An Event made by
    // script has the legacy returnValue `true`: taken as a prompt, the side that never cancels.)
    if (event.defaultPrevented || event.returnValue || !isLive(this.#state)) return;
    this.#lease.send('intent');
    // Hidden by then (another tab's prompt kept the window): `hidden`, whose hold a revoke would shorten to a lease.
    setTimeout(() => isLive(this.#state) && this.#lease.send(document.hidden ? 'hidden' : 'revoke'), INTENT_REVOKE_AFTER_MS);
  };

  /** Opt-in only: a hidden tab may be the shopper approving the payment in their bank's app. */
  #onHidden(): void {
    clearTimeout(this.#hiddenTimer);
    if (isLive(this.#state) && cancelOnAllows(this.cancelOn, 'tab-hidden')) {
      this.#hiddenTimer = setTimeout(() => this.#abandon('tab-hidden'), this.hiddenDelay);
    }
  }

  /** Only the hosted flow's own frame or window, from the exact origin of `src`, is listened to. */
  #onMessage(event: MessageEvent): void {
    const flow = this.#win ?? (this.#adopted ?? this.renderRoot.querySelector('iframe'))?.contentWindow;
    if (!flow || event.source !== flow || event.origin !== this.#frameUrl?.origin) return;
    this.#heard = true;
    const message = parseHostedMessage(event.data);
    if (!message) return;
    const meaning = stepMeaning(message.step);
    this.dispatchEvent(new BpsStepEvent(this.sessionId, message.step, meaning, message.detail));
    if (meaning === 'closed') this.#abandon('flow-close');
    this.#apply({ type: 'step', meaning });
  }

  #onFrameLoad = (): void => {
    this.#apply({ type: 'ready' });
    // Counted from load: a refused frame loads (an error page) and then posts nothing. A frame
    // that loads again before posting leaves its earlier timer running: it only reads #heard.
    this.#timer = setTimeout(() => this.#heard || this.#move(this.mode === 'iframe' ? 'error' : 'launch'), this.frameTimeout);
  };

  /**
   * The launcher's click: `window.open` at once, inside the click, or a blocker refuses it
   * (null, or a throw in Firefox's sandboxed frames). With the window open: to the front.
   */
  #onOpen = (): void => {
    if (this.#state === 'window') return this.#win!.focus();
    try {
      this.#win = open(this.src, '', WINDOW_FEATURES);
    } catch {}
    this.#openedAt = Date.now();
    this.#move(this.#win ? 'window' : 'blocked');
  };

  #watchWindow = (): void => {
    if (!this.#win?.closed) return;
    // Too soon, with nothing heard, to be a close: COOP cut the link (popup.ts, COOP_WINDOW_MS).
    if (!this.#heard && Date.now() - this.#openedAt! < COOP_WINDOW_MS) return this.#move('detached');
    // The shopper closed it: a close, cancelled as the close button's is when cancel-on lets it
    // (no close request: nothing is left to keep open); otherwise the launcher again.
    this.#abandon('close-button');
    this.#move('launch');
  };

  #move(to: MoveTarget): void {
    this.#apply({ type: 'move', to });
  }

  #onCloseClick = (): void => {
    if (this.dispatchEvent(new BpsCloseRequestEvent(this.sessionId))) void this.cancel('close-button');
  };

  #onRestart = (): void => {
    this.dispatchEvent(new BpsRestartEvent(this.sessionId));
  };
}
