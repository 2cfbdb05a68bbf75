/**
 * The `cancel-on` attribute: which abandonment signals send a cancel. Everything else about a
 * signal (what it means, how it is delivered) lives elsewhere; this only answers "is it on?".
 */
import type { CancelReason } from '../protocol/cancel-request.js';

export type CancelSignal = 'close' | 'flow-close' | 'removal' | 'unload' | 'bfcache' | 'hidden';

/** `hidden` is opt-in: a hidden tab may be a shopper approving the payment in their bank's app. */
export const DEFAULT_CANCEL_ON = 'close flow-close removal unload bfcache';

/** The merchant's own call (`api`) has no signal: it always goes through. */
const SIGNAL_FOR_REASON: Readonly<Partial<Record<CancelReason, CancelSignal>>> = {
  'close-button': 'close',
  'flow-close': 'flow-close',
  'spa-navigation': 'removal',
  'page-unload': 'unload',
  bfcache: 'bfcache',
  'tab-hidden': 'hidden',
};

/** True when a cancel for this reason is switched on by the attribute's value. */
export function cancelOnAllows(cancelOn: string | null | undefined, reason: CancelReason): boolean {
  const signal = SIGNAL_FOR_REASON[reason];
  return !signal || (cancelOn ?? DEFAULT_CANCEL_ON).split(/\s+/).includes(signal);
}
