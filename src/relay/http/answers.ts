/** How the relay's routes answer: JSON, never cached, with the HTTP status each outcome deserves. */

import type { Context } from 'hono';
import type { CancelResponse } from '../../protocol/cancel-request.js';
import type { CancelSettlement } from '../cancel-service.js';
import type { RateDecision } from './rate-limiter.js';

export type JsonStatus = 200 | 202 | 400 | 401 | 403 | 404 | 405 | 413 | 415 | 429 | 500 | 502 | 503;

export function json(c: Context, body: object, status: JsonStatus, headers: Record<string, string> = {}): Response {
  return c.json(body, status, { 'cache-control': 'no-store', ...headers });
}

export function tooManyRequests(c: Context, decision: Extract<RateDecision, { allowed: false }>, body: object): Response {
  return json(c, body, 429, { 'retry-after': String(Math.ceil(decision.retryAfterMs / 1000)) });
}

/** HTTP status for each cancel answer. `failed` + `retrying` is 202: the work goes on. */
export function cancelHttpStatus(response: CancelResponse): JsonStatus {
  switch (response.outcome) {
    case 'cancelled':
    case 'already-terminal':
      return 200;
    case 'not-found':
      return 404;
    case 'rejected':
      return 403;
    case 'failed':
      return response.retrying ? 202 : 502;
    case 'in-progress':
      return 202;
  }
}

/** A cancel answer with the id that finds its audit lines. */
export type CorrelatedCancelResponse = CancelResponse & { readonly correlationId: string };

/**
 * What a token holder is told when the provider did not confirm: nothing of the provider's
 * own words (status lines, network error codes, its problem details), only that it failed
 * and the id under which the audit log has the detail.
 */
export function failureMessage(retrying: boolean, correlationId: string): string {
  return retrying
    ? `the provider has not confirmed the cancel yet; the relay keeps retrying (reference ${correlationId})`
    : `the provider did not confirm the cancel (reference ${correlationId})`;
}

export function cancelResponseOf(settlement: CancelSettlement, correlationId: string): CorrelatedCancelResponse {
  return {
    outcome: settlement.outcome,
    ...(settlement.status ? { status: settlement.status } : {}),
    ...(settlement.providerStatus ? { providerStatus: settlement.providerStatus } : {}),
    ...(settlement.statusDetails ? { statusDetails: settlement.statusDetails } : {}),
    ...(settlement.outcome === 'failed' ? { error: failureMessage(false, correlationId) } : {}),
    correlationId,
  };
}

/** A route that exists answered with a method it does not take. */
export function methodNotAllowed(c: Context, allow: string): Response {
  return json(c, { error: `method ${c.req.method.slice(0, 16)} is not allowed here; use ${allow}` }, 405, { allow });
}

/** Resolves with the promise's value, or undefined once `ms` have passed; clears its timer. */
export async function within<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      onTimeout();
      resolve(undefined);
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
