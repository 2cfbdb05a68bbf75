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
  | 'completed' // payment authorized
  | 'failed' // the flow or the provider ended it without payment
  | 'cancelling' // the shopper left; the cancel is on its way
  | 'cancelled' // the cancel went out (whatever the relay answered) or the provider says Cancelled
  | 'expired' // the session's time ran out
  | 'error'; // the element refused its configuration (e.g. an unsafe src)

export const ELEMENT_STATES: readonly ElementState[] = [
  'loading',
  'active',
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
  /** A new session begins; `valid` is false when its src was refused. */
  | { readonly type: 'start'; readonly valid: boolean }
  /** The frame loaded. */
  | { readonly type: 'ready' }
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

/** What a provider status means for a live session; Initiated changes nothing. */
const STATUS_ENDINGS: Readonly<Partial<Record<SessionStatus, Transition>>> = {
  Completed: COMPLETED,
  Failed: FAILED,
  // Cancelled elsewhere (another tab, the merchant's backend): for the shopper it timed out.
  Cancelled: { state: 'cancelled', exit: 'expired' },
  Expired: EXPIRED,
};

/** A live session is the only kind that can be abandoned, expire, or be cancelled. */
export function isLive(state: ElementState): boolean {
  return state === 'loading' || state === 'active';
}

function showing(state: ElementState): Transition | undefined {
  return state === 'loading' ? { state: 'active' } : undefined;
}

/** The next state for an input, or undefined when the input changes nothing in this state. */
export function transition(state: ElementState, input: MachineInput): Transition | undefined {
  if (input.type === 'start') return input.valid ? { state: 'loading' } : { state: 'error', exit: 'error' };
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
  }
}
