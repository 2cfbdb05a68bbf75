/**
 * The audit lines: one per cancel, whether the page asked for it or the lease ledger's sweeper
 * made it (its `rule` says which), and one per notable lease event (a session kept, ended or
 * expired without a cancel). Built field by field from known values, never by spreading a
 * request, so no token or secret can slip in.
 */

import type { CancelOutcome, CancelReason } from '../protocol/cancel-request.js';
import type { LeaseRule } from './ledger/rules.js';

export const CANCEL_AUDIT_TYPE = 'bank-pay.cancel';
/** Written the moment a cancel is taken on, before the provider is called: its outcome line follows. */
export const CANCEL_ACCEPTED_TYPE = 'bank-pay.cancel-accepted';
export const LEASE_AUDIT_TYPE = 'bank-pay.lease';

export interface CancelAuditRecord {
  readonly sessionId: string;
  readonly referenceId?: string | undefined;
  /** What the page said, or `lease` for a cancel the sweeper made. */
  readonly reason: CancelReason | 'lease';
  /** `confirm` for a cancel the page asked for; otherwise the ledger rule whose deadline lapsed. */
  readonly rule: LeaseRule;
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
  /** Stopped by a shutdown before the provider answered. */
  readonly abandoned?: boolean;
  /** Ties this line to its acceptance line and to the answer the caller got. */
  readonly correlationId?: string | undefined;
  /** Sent by this instance for a cancel another instance accepted and did not finish. */
  readonly takenOver?: boolean;
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
    rule: record.rule,
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
  if (record.takenOver) line.takenOver = true;
  if (record.correlationId) line.correlationId = record.correlationId;
  return line;
}

export interface CancelAcceptedRecord {
  readonly sessionId: string;
  readonly reason: CancelAuditRecord['reason'];
  readonly rule: LeaseRule;
  readonly origin: string | undefined;
  readonly correlationId: string;
  readonly deduplicated?: boolean;
  readonly takenOver?: boolean;
}

/**
 * The line that proves a cancel was taken on. Paired by `correlationId` with its outcome
 * line; one without an outcome line means the process died before the provider answered
 * (with a shared ledger, another instance then finished it: its line says `takenOver`).
 */
export function cancelAcceptedLine(record: CancelAcceptedRecord, time: Date): Record<string, unknown> {
  const line: Record<string, unknown> = {
    type: CANCEL_ACCEPTED_TYPE,
    time: time.toISOString(),
    sessionId: record.sessionId,
    reason: record.reason,
    rule: record.rule,
    origin: boundedOrigin(record.origin),
    correlationId: record.correlationId,
  };
  if (record.deduplicated) line.deduplicated = true;
  if (record.takenOver) line.takenOver = true;
  return line;
}

export interface LeaseAuditRecord {
  /** `kept`: a lapsed deadline did not cancel (the page signalled, the provider could not be asked); `ended`, `expired`: nothing to cancel. */
  readonly event: string;
  readonly sessionId?: string | undefined;
  readonly rule?: LeaseRule | undefined;
  readonly status?: string | undefined;
  readonly error?: string | undefined;
}

export function leaseAuditLine(record: LeaseAuditRecord, time: Date): Record<string, unknown> {
  const line: Record<string, unknown> = { type: LEASE_AUDIT_TYPE, time: time.toISOString(), event: record.event };
  if (record.sessionId) line.sessionId = record.sessionId;
  if (record.rule) line.rule = record.rule;
  if (record.status) line.status = record.status;
  if (record.error) line.error = record.error;
  return line;
}

export const REFUSED_TYPE = 'bank-pay.refused';

/** The full line of a refused signal or status request (cancels have their audit line). */
export function refusedLine(route: string, reason: string, sessionId: string | undefined, origin: string | undefined, time: Date): Record<string, unknown> {
  return { type: REFUSED_TYPE, time: time.toISOString(), route, reason, sessionId: sessionId ?? null, origin: boundedOrigin(origin) };
}
