/**
 * Sends the session's cancel request to the relay. Two ways out:
 * - `beacon` for paths where the page may be going away (unload, bfcache, removal, hidden):
 *   `navigator.sendBeacon` with a `text/plain` JSON body, so no preflight is needed and the
 *   browser delivers it after the page is gone; a `fetch` with `keepalive` when the browser
 *   refuses the beacon (sendBeacon returns false when its queue is full).
 * - `fetch` for paths where the shopper stays (close button, the flow's CLOSE, `cancel()`):
 *   the relay's JSON outcome is read and returned.
 * Lease signals (lease.ts) leave the same two ways: `beacon()` for those sent as the page may
 * be going away. Nothing is sent without a URL, a session id and a token.
 */
import { encodeCancelRequest, type CancelOutcome, type CancelReason, type CancelResponse } from '../protocol/cancel-request.js';

export interface CancelTarget {
  readonly url: string;
  readonly sessionId: string;
  readonly token: string;
}

/** What the element learned about its one cancel request. */
export interface CancelResult extends Omit<CancelResponse, 'outcome'> {
  /**
   * The relay's outcome when it was read; `sent` when a beacon left (no answer can be read);
   * `failed` also when the relay could not be reached; `skipped` when nothing was sent.
   */
  readonly outcome: CancelOutcome | 'sent' | 'skipped';
  readonly reason: CancelReason;
}

export type Transport = 'beacon' | 'fetch';

export interface DeliveryOptions {
  readonly transport?: Transport;
  /** How long to wait for the relay's answer on the fetch path. */
  readonly timeoutMs?: number;
}

/** The shopper is still on the page on these paths, so the relay's answer can be read and shown. */
const SHOPPER_STAYS: readonly CancelReason[] = ['close-button', 'flow-close', 'api'];

/** Everywhere else the page may be gone before an answer comes back: only a beacon is sure to leave. */
export function transportFor(reason: CancelReason): Transport {
  return SHOPPER_STAYS.includes(reason) ? 'fetch' : 'beacon';
}

// A string body goes out as text/plain;charset=UTF-8 (a CORS-safelisted type, so no
// preflight) from both sendBeacon and fetch: no header needs setting.
export function post(url: string, body: string, signal?: AbortSignal): Promise<Response> {
  return fetch(url, { method: 'POST', body, keepalive: true, signal });
}

/** Hands `body` to the browser to deliver even if the page goes away now. */
export function beacon(url: string, body: string): void {
  let queued = false;
  try {
    queued = navigator.sendBeacon(url, body);
  } catch {
    // An unusable URL: the fetch below fails the same way, quietly.
  }
  if (!queued) post(url, body).catch(() => undefined);
}

/**
 * Sends one cancel request. On the beacon path the request has left (or been handed to a
 * keepalive fetch) before this returns, which is what an unload handler needs.
 */
export async function deliverCancel(
  { url, sessionId, token }: CancelTarget,
  reason: CancelReason,
  { transport = transportFor(reason), timeoutMs = 10_000 }: DeliveryOptions = {},
): Promise<CancelResult> {
  if (!url || !sessionId || !token) return { outcome: 'skipped', reason, error: 'cancel-url or cancel-token missing' };
  const body = encodeCancelRequest({ sessionId, token, reason });
  if (transport === 'beacon') {
    beacon(url, body);
    return { outcome: 'sent', reason };
  }
  try {
    const response = await post(url, body, AbortSignal.timeout(timeoutMs));
    // Only the documented fields: the answer ends up as fields of a DOM event.
    const { outcome, status, statusDetails, retrying, error } = (await response.json()) as CancelResponse;
    if (typeof outcome === 'string') return { outcome, status, statusDetails, retrying, error, reason };
    throw response.status;
  } catch {
    // Unreachable, too slow, or not a relay answer: all the same to the shopper.
    return { outcome: 'failed', reason, error: 'relay unreachable' };
  }
}
