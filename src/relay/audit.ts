/**
 * The audit line written for every cancel request the relay could read. Built field by
 * field from known values, never by spreading a request, so no token or secret can slip in.
 */

import type { CancelOutcome, CancelReason } from '../protocol/cancel-request.js';

export const CANCEL_AUDIT_TYPE = 'bank-pay.cancel';

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
}

const MAX_ORIGIN_LENGTH = 200;

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
    // The header is attacker-controlled: bounded so a huge one cannot bloat the log.
    origin: record.origin === undefined ? null : record.origin.slice(0, MAX_ORIGIN_LENGTH),
  };
  if (record.error) line.error = record.error;
  if (record.answeredBeforeOutcome) line.answeredBeforeOutcome = true;
  if (record.deduplicated) line.deduplicated = true;
  if (record.abandoned) line.abandoned = true;
  return line;
}
