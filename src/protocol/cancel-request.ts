/**
 * The cancel request the element sends to the relay, and the relay's answers.
 * Encoder and parser live together so the two ends cannot drift apart. The body is the
 * beacon-safe kind (beacon-body.ts): `{sessionId, token, reason}`.
 */

import { decodeBeaconBody, isTokenShaped, malformed, type Decoded } from './beacon-body.js';
import { isSessionId } from './session-id.js';
import type { SessionStatus } from './status.js';

export { MAX_BEACON_BODY_BYTES as MAX_CANCEL_BODY_BYTES } from './beacon-body.js';

/** Why the element asked for the cancel; written to the relay's audit log. */
export const CANCEL_REASONS = [
  'close-button', // the element's own close button, confirmed
  'flow-close', // the hosted flow posted CLOSE
  'spa-navigation', // the element left the DOM and was not put back
  'page-unload', // pagehide: navigation, reload, tab or window close
  'bfcache', // the page entered the back/forward cache
  'page-gone', // the browser's deferred fetch (fetchLater): the document went away, a crash included
  'tab-hidden', // opt-in cancel after the tab stayed hidden
  'api', // the merchant called cancel()
] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

export interface CancelRequest {
  readonly sessionId: string;
  readonly token: string;
  readonly reason: CancelReason;
}

export type CancelOutcome =
  | 'cancelled'
  | 'already-terminal'
  | 'not-found'
  | 'rejected'
  | 'failed'
  // Another request (a duplicate beacon, a deferred fetch, another relay instance) already
  // started this session's cancel: nothing more is sent to the provider.
  | 'in-progress';

export interface CancelResponse {
  readonly outcome: CancelOutcome;
  /** The canonical status (`Completed`, `Cancelled`, …), as the status route answers. */
  readonly status?: string;
  /** The status as the provider spelled it (GEFT says `Canceled`). */
  readonly providerStatus?: string;
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

export function encodeCancelRequest({ sessionId, token, reason }: CancelRequest): string {
  return JSON.stringify({ sessionId, token, reason });
}

const FIELDS = ['sessionId', 'token', 'reason'] as const;

/**
 * Parses a cancel request body. `text/plain` and `application/json` hold JSON;
 * `application/x-www-form-urlencoded` holds the same fields as form pairs.
 */
export function parseCancelRequest(text: string, contentType: string | null | undefined): Decoded<CancelRequest> {
  const decoded = decodeBeaconBody(text, contentType, FIELDS);
  if (!decoded.ok) return decoded;
  const { sessionId, token, reason } = decoded.value;
  if (!isSessionId(sessionId)) return malformed('sessionId must be a UUID');
  if (!isTokenShaped(token)) return malformed('token must be a non-empty string');
  if (typeof reason !== 'string' || !(CANCEL_REASONS as readonly string[]).includes(reason)) {
    return malformed(`reason must be one of ${CANCEL_REASONS.join(', ')}`);
  }
  return { ok: true, value: { sessionId, token, reason: reason as CancelReason } };
}
