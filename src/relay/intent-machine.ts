/**
 * The two-phase cancel's rules for one session, as one pure function: what an intent, a revoke,
 * a confirm or the end of a grace does to the session's record, and whether the relay must
 * cancel now. Every store applies exactly these rules (the memory store calls this function;
 * the Redis store's scripts mirror it, and both pass the same contract tests).
 *
 * A record is either a pending intent or the memory that the session was acted on (its cancel
 * went ahead), which keeps a late intent, reordered behind its confirm or landing on another
 * instance, from starting a second cancel. No record holds a token or any other secret.
 */

import type { CancelReason } from '../protocol/cancel-request.js';

export interface PendingIntent {
  /** As the element sent it; stores key it lower-cased. */
  readonly sessionId: string;
  readonly reason: CancelReason;
  /** When the relay received the intent (epoch ms), for the audit line's latency. */
  readonly receivedAt: number;
  /** When its grace ends (epoch ms): from then on it is acted on unless revoked first. */
  readonly deadline: number;
  /** When the verified cancel token expires: the cancel is retried until then, never later. */
  readonly tokenExpiresAt: number;
  /** The request's Origin header (already on the allow list), for the audit line. */
  readonly origin?: string | undefined;
}

export type IntentRecord =
  | { readonly state: 'pending'; readonly intent: PendingIntent }
  | { readonly state: 'acted'; readonly at: number };

export type IntentSignal =
  /** `beforeunload` ended without a leave prompt: cancel at the end of the grace. */
  | { readonly type: 'intent'; readonly intent: PendingIntent }
  /** The page is still alive after all: drop a pending intent. */
  | { readonly type: 'revoke' }
  /** pagehide (or any cancel without a phase): the cancel goes ahead now. */
  | { readonly type: 'confirm' }
  /** A relay claims an intent whose grace may have ended. */
  | { readonly type: 'grace-ended' };

export type IntentVerdict =
  | 'held' // a new pending intent
  | 'already-pending' // an intent was pending already; its deadline stands (never extended)
  | 'already-acted' // the session's cancel already went ahead; nothing changes
  | 'revoked' // the pending intent is gone; nothing will be cancelled for it
  | 'nothing-pending' // nothing to revoke or claim
  | 'not-due' // the pending intent's grace has not ended yet
  | 'act'; // cancel now: a confirm, or the claim of an intent whose grace ended

/** What the store writes for a session: its new record (undefined: delete it) and its expiry. */
export interface IntentWrite {
  readonly record: IntentRecord | undefined;
  /** Until when the store keeps the record (epoch ms). */
  readonly keepUntil: number;
}

export interface IntentStep {
  readonly verdict: IntentVerdict;
  /** Absent when the record stays as it is. */
  readonly write?: IntentWrite;
  /** The pending intent concerned: the one held or in force, revoked, or acted on. */
  readonly intent?: PendingIntent;
}

/**
 * How long an acted-on session is remembered: long enough for any intent reordered behind its
 * confirm (network reordering is a matter of seconds), short enough to stay small.
 */
export const ACTED_MEMORY_MS = 10 * 60_000;

/**
 * How long after its deadline a pending intent may still be acted on, when no relay was
 * running at the deadline (a restart, a deploy). Never past the token's expiry: by then the
 * session has expired at the provider anyway.
 */
export const RESUME_WINDOW_MS = 30 * 60_000;

/** However soon its token expires, an intent outlives its deadline by this much, for a late poll. */
const MIN_KEEP_AFTER_DEADLINE_MS = 60_000;

/** Until when a pending intent is kept: past its deadline, while it can still be resumed. */
export function pendingKeepUntil(intent: PendingIntent): number {
  const resumable = Math.min(intent.tokenExpiresAt, intent.deadline + RESUME_WINDOW_MS);
  return Math.max(intent.deadline + MIN_KEEP_AFTER_DEADLINE_MS, resumable);
}

function acted(now: number, intent?: PendingIntent): IntentStep {
  return { verdict: 'act', write: { record: { state: 'acted', at: now }, keepUntil: now + ACTED_MEMORY_MS }, ...(intent ? { intent } : {}) };
}

/** What `signal` does to a session whose record is `record` (undefined: none, or expired). */
export function stepIntent(record: IntentRecord | undefined, signal: IntentSignal, now: number): IntentStep {
  const unchanged = (verdict: IntentVerdict): IntentStep => ({ verdict, ...(record?.state === 'pending' ? { intent: record.intent } : {}) });
  switch (signal.type) {
    case 'confirm':
      // A confirm always wins: whatever was pending, the cancel goes ahead now.
      return acted(now);
    case 'intent':
      if (record?.state === 'acted') return unchanged('already-acted');
      if (record?.state === 'pending') return unchanged('already-pending');
      return {
        verdict: 'held',
        write: { record: { state: 'pending', intent: signal.intent }, keepUntil: pendingKeepUntil(signal.intent) },
        intent: signal.intent,
      };
    case 'revoke':
      if (record?.state === 'acted') return unchanged('already-acted');
      // Pending, even past its deadline, means not acted on yet: the shopper is still there.
      if (record?.state === 'pending') return { verdict: 'revoked', write: { record: undefined, keepUntil: now }, intent: record.intent };
      return unchanged('nothing-pending');
    case 'grace-ended':
      if (record?.state === 'acted') return unchanged('already-acted');
      if (record?.state !== 'pending') return unchanged('nothing-pending');
      if (record.intent.deadline > now) return unchanged('not-due');
      return acted(now, record.intent);
  }
}
