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
  | 'detached' // the flow is open where the element cannot watch it (COOP, or the link's tab): the relay's status decides
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
  /**
   * The frame loaded but the flow gave no sign of life in time (a refused frame posts
   * nothing): `fallback` offers the window instead (`auto`), else the session errors (`iframe`).
   */
  | { readonly type: 'silent'; readonly fallback: boolean }
  /** The shopper pressed the launcher; `blocked` when the browser refused the window. */
  | { readonly type: 'open'; readonly blocked: boolean }
  /** The shopper followed the fallback link: a tab the element holds no handle to. */
  | { readonly type: 'link' }
  /**
   * The window reads closed. `cut` when that came too soon, with nothing heard from the flow,
   * to be a close (COOP cut the link); `cancels` when `cancel-on` lets a close cancel.
   */
  | { readonly type: 'gone'; readonly cut: boolean; readonly cancels: boolean }
  /**
   * The hosted flow posted a step. A `closed` step only proves the flow is alive here: its
   * cancel is an abandonment the element gates by `cancel-on` and feeds as `abandon`.
   */
  | { readonly type: 'step'; readonly meaning: StepMeaning }
  /** The shopper left in a way that cancels (already gated by `cancel-on`). */
  | { readonly type: 'abandon'; readonly reason: CancelReason }
  /** The cancel request finished, whatever its outcome. */
  | { readonly type: 'settled' }
  /** The wall clock passed `expires-at`. */
  | { readonly type: 'expire' }
  /** The status URL answered. */
  | { readonly type: 'status'; readonly status: SessionStatus };

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

const ENDED: readonly ElementState[] = ['completed', 'failed', 'cancelling', 'cancelled', 'expired', 'error'];

/** A live session is the only kind that can be abandoned, expire, or be cancelled. */
export function isLive(state: ElementState): boolean {
  return !ENDED.includes(state);
}


function showing(state: ElementState): Transition | undefined {
  return state === 'loading' ? { state: 'active' } : undefined;
}

/** The next state for an input, or undefined when the input changes nothing in this state. */
export function transition(state: ElementState, input: MachineInput): Transition | undefined {
  if (input.type === 'start') return input.valid ? { state: input.popup ? 'launch' : 'loading' } : ERROR;
  if (input.type === 'settled') return state === 'cancelling' ? { state: 'cancelled' } : undefined;
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
    case 'silent':
      // Only a frame that loaded, so showed, can fall silent.
      if (state !== 'active') return undefined;
      return input.fallback ? { state: 'launch' } : ERROR;
    case 'open':
      return state === 'launch' ? { state: input.blocked ? 'blocked' : 'window' } : undefined;
    case 'link':
      return state === 'blocked' ? { state: 'detached' } : undefined;
    case 'gone':
      if (state !== 'window') return undefined;
      if (input.cut) return { state: 'detached' };
      // The shopper closed it: a close like the close button's. With cancel-on leaving the close out, they may open it again.
      return input.cancels ? transition(state, { type: 'abandon', reason: 'close-button' }) : { state: 'launch' };
  }
}
