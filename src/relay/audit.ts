/**
 * The audit lines: one per cancel (a confirm, or an intent whose grace ended) and one per intent
 * or revoke received. Built field by field from known values, never by spreading a request, so
 * no token or secret can slip in.
 */

import type { CancelOutcome, CancelPhase, CancelReason, PhaseOutcome } from '../protocol/cancel-request.js';

export const CANCEL_AUDIT_TYPE = 'bank-pay.cancel';
export const INTENT_AUDIT_TYPE = 'bank-pay.intent';

export interface CancelAuditRecord {
  readonly sessionId: string;
  readonly referenceId?: string | undefined;
  readonly reason: CancelReason;
  readonly outcome: CancelOutcome;
  readonly status?: string | undefined;
  readonly statusDetails?: string | undefined;
  /** Provider cancel calls made for this request (0 when refused or joined to an earlier cancel). */
  readonly attempts: number;
  /** From receiving the request to knowing the outcome, including background retries. */
  readonly latencyMs: number;
  /** The request's Origin header, if any. */
  readonly origin: string | undefined;
  /** Why the request was rejected or failed; never a token or secret. */
  readonly error?: string | undefined;
  /** The answer went out before the outcome was known (`failed` + `retrying`). */
  readonly answeredBeforeOutcome?: boolean;
  /** Joined to a cancel of the same session already under way or done. */
  readonly deduplicated?: boolean;
  /** Stopped by a graceful shutdown before the provider answered. */
  readonly abandoned?: boolean;
  /** `intent`: the cancel of an intent whose grace ended (latency counts from the intent). Absent for a confirm. */
  readonly phase?: CancelPhase;
}

export interface IntentAuditRecord {
  readonly sessionId: string;
  readonly reason: CancelReason;
  readonly phase: Exclude<CancelPhase, 'confirm'>;
  /** What became of it; `failed` when the store could not be reached or was full. */
  readonly outcome: PhaseOutcome | 'failed';
  /** With `pending`: when the relay acts unless a confirm or revoke comes first. */
  readonly graceMs?: number | undefined;
  readonly origin: string | undefined;
  readonly error?: string | undefined;
}

const MAX_ORIGIN_LENGTH = 200;

// The header is attacker-controlled: bounded so a huge one cannot bloat the log.
const boundedOrigin = (origin: string | undefined) => (origin === undefined ? null : origin.slice(0, MAX_ORIGIN_LENGTH));

export function cancelAuditLine(record: CancelAuditRecord, time: Date): Record<string, unknown> {
  const line: Record<string, unknown> = {
    type: CANCEL_AUDIT_TYPE,
    time: time.toISOString(),
    sessionId: record.sessionId,
    referenceId: record.referenceId ?? null,
    reason: record.reason,
    outcome: record.outcome,
    status: record.status ?? null,
    statusDetails: record.statusDetails ?? null,
    attempts: record.attempts,
    latencyMs: Math.max(0, Math.round(record.latencyMs)),
    origin: boundedOrigin(record.origin),
  };
  if (record.error) line.error = record.error;
  if (record.answeredBeforeOutcome) line.answeredBeforeOutcome = true;
  if (record.deduplicated) line.deduplicated = true;
  if (record.abandoned) line.abandoned = true;
  if (record.phase && record.phase !== 'confirm') line.phase = record.phase;
  return line;
}

export function intentAuditLine(record: IntentAuditRecord, time: Date): Record<string, unknown> {
  const line: Record<string, unknown> = {
    type: INTENT_AUDIT_TYPE,
    time: time.toISOString(),
    sessionId: record.sessionId,
    reason: record.reason,
    phase: record.phase,
    outcome: record.outcome,
    origin: boundedOrigin(record.origin),
  };
  if (record.graceMs !== undefined) line.graceMs = record.graceMs;
  if (record.error) line.error = record.error;
  return line;
}
