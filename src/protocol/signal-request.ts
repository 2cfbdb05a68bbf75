/**
 * What the element tells the relay's lease ledger while a session is live, and the answer.
 * `POST {basePath}/signals`, the same beacon-safe body as a cancel (`text/plain` JSON):
 * `{sessionId, token, signal}`. The relay's ledger table (docs/leases.md) says what
 * each signal does to the session's deadline.
 */

import { decodeBeaconBody, isTokenShaped, malformed, type Decoded } from './beacon-body.js';
import { isSessionId } from './session-id.js';
import type { SessionStatus } from './status.js';

export const LEASE_SIGNALS = [
  'alive', // a heartbeat from a visible page: the lease runs again
  'hidden', // the tab was hidden: the shopper may be in their bank's app; the away allowance runs
  'intent', // beforeunload without a leave prompt: cancel after a short grace unless the page stays
  'revoke', // the page is still alive after an intent
] as const;
export type LeaseSignal = (typeof LEASE_SIGNALS)[number];

export interface SignalRequest {
  readonly sessionId: string;
  readonly token: string;
  readonly signal: LeaseSignal;
}

/**
 * The relay's answer. Beacons (`hidden`, `intent`, `revoke`) never read it; heartbeats do:
 * `status` is what the relay knows of the session (from webhooks or a bounded provider read),
 * so an element learns within one heartbeat that the provider ended the session elsewhere.
 */
export interface SignalResponse {
  /** Canonical status the relay knows; `Initiated` while the session is live. */
  readonly status: SessionStatus;
  /** When to send the next heartbeat from a visible page. */
  readonly heartbeatMs: number;
  /** Present on a refused request; never a secret. */
  readonly error?: string;
}

export function encodeSignalRequest({ sessionId, token, signal }: SignalRequest): string {
  return JSON.stringify({ sessionId, token, signal });
}

const FIELDS = ['sessionId', 'token', 'signal'] as const;

export function parseSignalRequest(text: string, contentType: string | null | undefined): Decoded<SignalRequest> {
  const decoded = decodeBeaconBody(text, contentType, FIELDS);
  if (!decoded.ok) return decoded;
  const { sessionId, token, signal } = decoded.value;
  if (!isSessionId(sessionId)) return malformed('sessionId must be a UUID');
  if (!isTokenShaped(token)) return malformed('token must be a non-empty string');
  if (typeof signal !== 'string' || !(LEASE_SIGNALS as readonly string[]).includes(signal)) {
    return malformed(`signal must be one of ${LEASE_SIGNALS.join(', ')}`);
  }
  return { ok: true, value: { sessionId, token, signal: signal as LeaseSignal } };
}

/**
 * How long after its intent the element revokes it if the page is still alive (a download
 * link, a cancelled navigation, a 204). The relay's intent grace must be longer, with room for
 * the revoke's trip: it refuses one under {@link MIN_INTENT_GRACE_MS}.
 */
export const INTENT_REVOKE_AFTER_MS = 1000;
export const MIN_INTENT_GRACE_MS = 2 * INTENT_REVOKE_AFTER_MS;
