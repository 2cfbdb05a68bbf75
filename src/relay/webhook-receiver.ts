/**
 * Receives the provider's `SessionSetupStatusChanged` webhook: checks the signature over the
 * raw bytes, refuses deliveries whose `when` is outside the tolerance (replays), drops
 * repeats of the same session + status (the provider sends no event id) and hands each new
 * event to the merchant's callback. Knows nothing of HTTP frameworks.
 */

import { isSessionId } from '../protocol/session-id.js';
import { normalizeStatus, type SessionStatus } from '../protocol/status.js';
import { verifyWebhookSignature, WEBHOOK_EVENT_TYPE } from '../protocol/webhook.js';
import { BoundedMap } from './bounded-map.js';

/** What `onStatusChange` receives. */
export interface StatusChangeEvent {
  readonly sessionId: string;
  readonly referenceId: string;
  readonly amount: number | null;
  /** Canonical status (`Canceled` and `Cancelled` both arrive as `Cancelled`). */
  readonly status: SessionStatus;
  /** The status exactly as the provider spelled it. */
  readonly providerStatus: string;
  readonly statusDetails: string;
  /** ISO time the status changed, from the provider. */
  readonly when: string;
}

export type StatusChangeHandler = (event: StatusChangeEvent) => void | Promise<void>;

export interface WebhookReceiverOptions {
  readonly secret: string;
  /** How far `when` may be from now, either way. */
  readonly toleranceMs: number;
  readonly onStatusChange?: StatusChangeHandler;
  /** Told when the callback throws, so the failure reaches the logs. */
  readonly onHandlerError?: (error: unknown, event: StatusChangeEvent) => void;
  readonly now?: () => number;
  readonly rememberEvents?: number;
}

export type WebhookResult =
  | { readonly httpStatus: 200; readonly body: { received: true; duplicate?: true } }
  | { readonly httpStatus: 400 | 401 | 500; readonly body: { error: string } };

type PayloadCheck = { ok: true; event: StatusChangeEvent } | { ok: false; error: string };

function readPayload(value: unknown): PayloadCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'payload must be an object' };
  const record = value as Record<string, unknown>;
  if (record.eventType !== undefined && record.eventType !== WEBHOOK_EVENT_TYPE) {
    return { ok: false, error: `eventType must be ${WEBHOOK_EVENT_TYPE}` };
  }
  const { sessionId, referenceId, amount, status, statusDetails, when } = record;
  if (!isSessionId(sessionId)) return { ok: false, error: 'sessionId must be a UUID' };
  const canonical = normalizeStatus(status);
  if (!canonical || typeof status !== 'string') return { ok: false, error: 'status is not a known session status' };
  if (typeof statusDetails !== 'string' || statusDetails.length > 100) return { ok: false, error: 'statusDetails must be a string' };
  if (typeof when !== 'string' || Number.isNaN(Date.parse(when))) return { ok: false, error: 'when must be an ISO 8601 time' };
  if (referenceId !== undefined && typeof referenceId !== 'string') return { ok: false, error: 'referenceId must be a string' };
  if (amount !== undefined && amount !== null && typeof amount !== 'number') return { ok: false, error: 'amount must be a number' };
  return {
    ok: true,
    event: {
      sessionId,
      referenceId: referenceId ?? '',
      amount: amount ?? null,
      status: canonical,
      providerStatus: status,
      statusDetails,
      when,
    },
  };
}

export function createWebhookReceiver(options: WebhookReceiverOptions) {
  const now = options.now ?? Date.now;
  // A delivery older than the tolerance is refused anyway, so remembering events for twice
  // the tolerance is enough to catch every replay that could pass the time check.
  const seen = new BoundedMap<string, true>(options.rememberEvents ?? 10_000, now);

  return async function receive(rawBody: Uint8Array, signatureHeader: string | null | undefined): Promise<WebhookResult> {
    if (!(await verifyWebhookSignature(rawBody, signatureHeader, options.secret))) {
      return { httpStatus: 401, body: { error: 'signature does not match' } };
    }
    let decoded: unknown;
    try {
      decoded = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(rawBody));
    } catch {
      return { httpStatus: 400, body: { error: 'body is not JSON' } };
    }
    const payload = readPayload(decoded);
    if (!payload.ok) return { httpStatus: 400, body: { error: payload.error } };
    const { event } = payload;
    if (Math.abs(now() - Date.parse(event.when)) > options.toleranceMs) {
      return { httpStatus: 400, body: { error: 'delivery is outside the accepted time window (replayed or delayed)' } };
    }
    const key = `${event.sessionId.toLowerCase()}:${event.status}`;
    if (seen.has(key)) return { httpStatus: 200, body: { received: true, duplicate: true } };
    seen.set(key, true, now() + 2 * options.toleranceMs);
    try {
      await options.onStatusChange?.(event);
    } catch (error) {
      options.onHandlerError?.(error, event);
      // Forget it so a redelivery (or a poll) can try the handler again.
      seen.delete(key);
      return { httpStatus: 500, body: { error: 'the status-change handler failed' } };
    }
    return { httpStatus: 200, body: { received: true } };
  };
}
