/**
 * The cancel request the element sends to the relay, and the relay's answer.
 * Encoder and parser live together so the two ends cannot drift apart.
 *
 * Beacons carry no headers and must use a CORS-safelisted content type, so the body is
 * `text/plain` JSON (form-urlencoded is accepted too): `{sessionId, token, reason}`.
 */

import type { SessionStatus } from './status.js';
import { isSessionId } from './session-id.js';

/** Largest body the relay reads; a real request is a few hundred bytes. */
export const MAX_CANCEL_BODY_BYTES = 2048;

/** Why the element asked for the cancel; written to the relay's audit log. */
export const CANCEL_REASONS = [
  'close-button', // the element's own close button, confirmed
  'flow-close', // the hosted flow posted CLOSE
  'spa-navigation', // the element left the DOM and was not put back
  'page-unload', // pagehide / beforeunload: navigation, reload, tab or window close
  'bfcache', // the page entered the back/forward cache
  'tab-hidden', // opt-in deferred cancel after the tab stayed hidden
  'api', // the merchant called cancel()
] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

/**
 * Two-phase delivery (README, "The two-phase cancel"): an `intent` once a `beforeunload`
 * ended without asking for a leave prompt, the `confirm` on pagehide, a `revoke` when the page
 * is still there a little later. A request without a phase is a confirm: cancel now.
 */
export const CANCEL_PHASES = ['confirm', 'intent', 'revoke'] as const;
export type CancelPhase = (typeof CANCEL_PHASES)[number];

/**
 * How long after its intent the element revokes it if the page is still alive (a download
 * link, a cancelled navigation, a 204). The relay's grace must be longer, with room for the
 * revoke's trip: it refuses a grace under {@link MIN_INTENT_GRACE_MS}.
 */
export const INTENT_REVOKE_AFTER_MS = 1000;
export const MIN_INTENT_GRACE_MS = 2 * INTENT_REVOKE_AFTER_MS;

/** The relay's answer to an intent or a revoke. Beacons never read it; tools and tests do. */
export type PhaseOutcome =
  | 'pending' // the intent is held; the relay cancels when its grace ends unless revoked
  | 'revoked' // the pending intent was dropped; nothing will be cancelled for it
  | 'nothing-pending' // a revoke found no pending intent (never sent, already revoked)
  | 'already-acted'; // the session's cancel already went ahead (confirmed, or its grace ended)

export interface PhaseResponse {
  readonly outcome: PhaseOutcome;
  /** With `pending`: how long until the relay acts on the intent. */
  readonly graceMs?: number;
}

export interface CancelRequest {
  readonly sessionId: string;
  readonly token: string;
  readonly reason: CancelReason;
  readonly phase?: CancelPhase;
}

export type CancelOutcome = 'cancelled' | 'already-terminal' | 'not-found' | 'rejected' | 'failed';

export interface CancelResponse {
  readonly outcome: CancelOutcome;
  readonly status?: string;
  readonly statusDetails?: string;
  /** Set with `failed` when the relay keeps retrying the provider in the background. */
  readonly retrying?: boolean;
  /** A human-readable reason for rejected or failed requests; never a secret. */
  readonly error?: string;
}

/**
 * Status answer of `GET /bank-pay/sessions/{id}/status`: `status` is the canonical name (what
 * the element reads), `providerStatus` as the provider spelled it (GEFT says `Canceled`).
 */
export interface StatusResponse {
  readonly status: SessionStatus;
  readonly providerStatus: string;
  readonly statusDetails: string;
}

export const CANCEL_CONTENT_TYPE = 'text/plain;charset=UTF-8';

export function encodeCancelRequest({ sessionId, token, reason, phase }: CancelRequest): string {
  // A confirm goes without a phase (JSON.stringify drops undefined): the shortest body, and the
  // one every relay understands.
  return JSON.stringify({ sessionId, token, reason, phase: phase === 'confirm' ? undefined : phase });
}

export type ParseFailure =
  | { readonly ok: false; readonly code: 'unsupported-media-type'; readonly message: string }
  | { readonly ok: false; readonly code: 'malformed'; readonly message: string };

export type ParseResult = { readonly ok: true; readonly value: CancelRequest } | ParseFailure;

const MAX_TOKEN_LENGTH = 512;

function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function malformed(message: string): ParseFailure {
  return { ok: false, code: 'malformed', message };
}

/** Validates a decoded body; every field is checked, unknown fields are refused. */
export function validateCancelRequest(value: unknown): ParseResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return malformed('body must be an object with sessionId, token and reason');
  }
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !['sessionId', 'token', 'reason', 'phase'].includes(key));
  if (unknown.length > 0) return malformed(`unknown field: ${unknown[0]!.slice(0, 40)}`);
  const { sessionId, token, reason, phase } = record;
  if (!isSessionId(sessionId)) return malformed('sessionId must be a UUID');
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    return malformed('token must be a non-empty string');
  }
  if (typeof reason !== 'string' || !(CANCEL_REASONS as readonly string[]).includes(reason)) {
    return malformed(`reason must be one of ${CANCEL_REASONS.join(', ')}`);
  }
  if (phase !== undefined && (typeof phase !== 'string' || !(CANCEL_PHASES as readonly string[]).includes(phase))) {
    return malformed(`phase must be one of ${CANCEL_PHASES.join(', ')}`);
  }
  return {
    ok: true,
    value: { sessionId, token, reason: reason as CancelReason, phase: (phase as CancelPhase | undefined) ?? 'confirm' },
  };
}

/**
 * Parses a cancel request body. `text/plain` and `application/json` hold JSON;
 * `application/x-www-form-urlencoded` holds the same fields as form pairs.
 */
export function parseCancelRequest(text: string, contentType: string | null | undefined): ParseResult {
  const type = mediaType(contentType);
  if (type === 'application/x-www-form-urlencoded') {
    const params = new URLSearchParams(text);
    const fields: Record<string, string> = {};
    for (const [key, value] of params) {
      if (Object.hasOwn(fields, key)) return malformed(`field ${key.slice(0, 40)} given twice`);
      fields[key] = value;
    }
    return validateCancelRequest(fields);
  }
  if (type === 'text/plain' || type === 'application/json') {
    let decoded: unknown;
    try {
      decoded = JSON.parse(text);
    } catch {
      return malformed('body is not valid JSON');
    }
    return validateCancelRequest(decoded);
  }
  return {
    ok: false,
    code: 'unsupported-media-type',
    message: 'content type must be text/plain (JSON) or application/x-www-form-urlencoded',
  };
}
