/**
 * The element's states and every transition between them, as one pure function so the rules
 * (one exit per session, one cancel per session, nothing sent after the flow ended) are
 * tested without a browser. The element feeds inputs and carries out what comes back.
 */
import type { CancelReason } from '../protocol/cancel-request.js';
import type { SessionStatus } from '../protocol/status.js';
import type { StepMeaning } from '../protocol/steps.js';

export type ElementState =
  | 'loading' // a session is set up, the frame has not reported yet
  | 'active' // the hosted flow is showing
  | 'launch' // the flow runs in a window of its own: the launcher waits for the shopper's click
  | 'blocked' // the browser refused the window: a plain link to the flow is offered instead
  | 'window' // the flow is open in a window the element watches
  | 'detached' // the flow's window cut its link (COOP): the relay's status decides
  | 'completed' // payment authorized
  | 'failed' // the flow or the provider ended it without payment
  | 'cancelling' // the shopper left; the cancel is on its way
  | 'cancelled' // the cancel went out (whatever the relay answered) or the provider says Cancelled
  | 'expired' // the session's time ran out
  | 'error'; // the element refused its configuration (e.g. an unsafe src)

export const ELEMENT_STATES: readonly ElementState[] = [
  'loading',
  'active',
  'launch',
  'blocked',
  'window',
  'detached',
  'completed',
  'failed',
  'cancelling',
  'cancelled',
  'expired',
  'error',
];

/** Why a session ended, as the one `bps-exit` event per session reports it. */
export type ExitReason = 'completed' | 'failed' | 'closed' | 'navigated' | 'unloaded' | 'expired' | 'error';

export type MachineInput =
  /**
   * A new session begins; `valid` is false when its src was refused, `popup` true when the
   * flow runs in a window from the start (`mode="popup"`).
   */
  | { readonly type: 'start'; readonly valid: boolean; readonly popup?: boolean }
  /** The frame loaded. */
  | { readonly type: 'ready' }
  /** Where the flow runs moves between the frame and its window: see {@link MOVES_FROM}. */
  | { readonly type: 'move'; readonly to: MoveTarget }
  /**
   * The hosted flow posted a step. A `closed` step only proves the flow is alive here: its
   * cancel is an abandonment the element gates by `cancel-on` and feeds as `abandon`.
   */
  | { readonly type: 'step'; readonly meaning: StepMeaning }
  /** The shopper left in a way that cancels (already gated by `cancel-on`). */
  | { readonly type: 'abandon'; readonly reason: CancelReason }
  /**
   * The cancel request finished, whatever its outcome; `status` is the one the relay's answer
   * carried, if any (a session that had completed before the cancel reached the provider).
   */
  | { readonly type: 'settled'; readonly status?: SessionStatus | undefined }
  /** The wall clock passed `expires-at`. */
  | { readonly type: 'expire' }
  /** The status URL answered. */
  | { readonly type: 'status'; readonly status: SessionStatus };

/**
 * Each move between the frame and the flow's window, by where it goes, and the states it may
 * come from (space-separated):
 * - `launch`: from `active`, the frame loaded and gave no sign of life in time (`auto`: a
 *   refused frame posts nothing); from `window`, the shopper closed it and `cancel-on` keeps
 *   that close from cancelling, so they may open it again. (A close that cancels is an
 *   abandonment: `close-button`.)
 * - `error`: from `active`, the same silence in `iframe` mode, with no window to offer.
 * - `window` or `blocked`: from `launch`, the shopper pressed the launcher and the window
 *   opened, or the browser refused it (the link is offered).
 * - `detached`: from `window`, it read closed too soon, with nothing heard, to be a close: COOP
 *   cut the link (popup.ts, `COOP_WINDOW_MS`).
 */
export const MOVES_FROM = { launch: 'active window', error: 'active', window: 'launch', blocked: 'launch', detached: 'window' } as const;
export type MoveTarget = keyof typeof MOVES_FROM;

export interface Transition {
  readonly state: ElementState;
  /** Set when this transition ends the session: fire `bps-exit` with it. */
  readonly exit?: ExitReason;
  /** Set when this transition must send the session's one cancel request. */
  readonly cancel?: CancelReason;
}

/** Where the session went when the shopper abandoned it this way. */
function exitFor(reason: CancelReason): ExitReason {
  if (reason === 'spa-navigation') return 'navigated';
  return reason === 'page-unload' || reason === 'bfcache' ? 'unloaded' : 'closed';
}

const COMPLETED: Transition = { state: 'completed', exit: 'completed' };
const FAILED: Transition = { state: 'failed', exit: 'failed' };
const EXPIRED: Transition = { state: 'expired', exit: 'expired' };
const ERROR: Transition = { state: 'error', exit: 'error' };

/** What a provider status means for a live session; Initiated changes nothing. */
const STATUS_ENDINGS: Readonly<Partial<Record<SessionStatus, Transition>>> = {
  Completed: COMPLETED,
  Failed: FAILED,
  // Cancelled elsewhere (another tab, the merchant's backend): for the shopper it timed out.
  Cancelled: { state: 'cancelled', exit: 'expired' },
  Expired: EXPIRED,
};

/**
 * A live session is the only kind that can be abandoned, expire, or be cancelled. The ended
 * states (completed, failed, cancelling, cancelled, expired, error) are the ones that start
 * with c, f or e (the size budget prefers a test of one letter; the unit tests list both sides).
 */
export function isLive(state: ElementState): boolean {
  return !/^[cfe]/.test(state);
}


/** What a finished cancel leaves, by the status its answer carried: cancelled, unless the payment was already decided. */
const SETTLED_AS: Readonly<Partial<Record<SessionStatus, Transition>>> = { Completed: COMPLETED, Failed: FAILED };

function showing(state: ElementState): Transition | undefined {
  return state === 'loading' ? { state: 'active' } : undefined;
}

/** The next state for an input, or undefined when the input changes nothing in this state. */
export function transition(state: ElementState, input: MachineInput): Transition | undefined {
  if (input.type === 'start') return input.valid ? { state: input.popup ? 'launch' : 'loading' } : ERROR;
  // A cancel that came too late (the provider had the payment completed or failed) must not
  // tell a shopper who paid that no payment was made.
  if (input.type === 'settled') return state === 'cancelling' ? SETTLED_AS[input.status!] ?? { state: 'cancelled' } : undefined;
  if (!isLive(state)) return undefined;
  switch (input.type) {
    case 'abandon':
      return { state: 'cancelling', exit: exitFor(input.reason), cancel: input.reason };
    case 'expire':
      return EXPIRED;
    case 'status':
      return STATUS_ENDINGS[input.status];
    case 'step':
      if (input.meaning === 'completed') return COMPLETED;
      if (input.meaning === 'ended') return FAILED;
      return showing(state); // any other step proves the flow is up
    case 'ready':
      return showing(state);
    case 'move':
      if (!MOVES_FROM[input.to].includes(state)) return undefined;
      return input.to === 'error' ? ERROR : { state: input.to };
  }
}
