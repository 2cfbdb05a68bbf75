/**
 * `POST {basePath}/cancel`: the page's cancel (close button, the flow's CLOSE, removal,
 * pagehide, the browser's deferred fetch). Verifies the token, claims the session's cancel in
 * the lease ledger (so a duplicate, here or on another instance, makes no second provider
 * call, and another instance finishes it if this one dies) and cancels at once. A ledger that
 * cannot be reached never stops a legitimate cancel.
 */

import { Hono } from 'hono';
import { MAX_CANCEL_BODY_BYTES, parseCancelRequest, type CancelResponse } from '../../protocol/cancel-request.js';
import { verifyCancelToken } from '../cancel-token.js';
import type { CancelCause, RelayContext } from '../context.js';
import { cancelHttpStatus, cancelResponseOf, failureMessage, json, methodNotAllowed, tooManyRequests, within, type CorrelatedCancelResponse } from '../http/answers.js';
import type { RateDecision } from '../http/rate-limiter.js';
import { LedgerUnavailable } from '../ledger/ledger.js';
import { storeErrorMessage } from '../ledger/store-error.js';
import { readText } from './read-body.js';

export function cancelRoute(ctx: RelayContext): Hono {
  const { config, limiters } = ctx;
  const route = new Hono();
  route.post(
    '/',
    ctx.limitByClientIp(limiters.cancelIp, 'cancel', { outcome: 'rejected', error: 'too many requests' } satisfies CancelResponse),
    async (c) => {
      const receivedAt = Date.now();
      const origin = c.req.header('origin');
      const read = await readText(c, MAX_CANCEL_BODY_BYTES);
      if (!read.ok) {
        return read.reason === 'too-large'
          ? json(c, { outcome: 'rejected', error: `body is larger than ${MAX_CANCEL_BODY_BYTES} bytes` }, 413)
          : json(c, { outcome: 'rejected', error: 'the body could not be read' }, 400);
      }
      const text = read.body;
      const parsed = parseCancelRequest(text, c.req.header('content-type'));
      if (!parsed.ok) return json(c, { outcome: 'rejected', error: parsed.message }, parsed.code === 'unsupported-media-type' ? 415 : 400);
      const { sessionId, reason, token } = parsed.value;

      const cause: CancelCause = { sessionId, reason, origin, receivedAt, rule: 'confirm' };
      const reject = (status: 403 | 429, auditError: string, answerError: string, decision?: RateDecision) => {
        // Counted, and written in full only as the first of its kind in the interval: forged
        // requests cannot grow the log without bound.
        ctx.refused({ route: 'cancel', reason: auditError }, () => ctx.audit(cause, { outcome: 'rejected', attempts: 0, error: auditError }));
        const body: CancelResponse = { outcome: 'rejected', error: answerError };
        return decision && !decision.allowed ? tooManyRequests(c, decision, body) : json(c, body, status);
      };

      if (!ctx.isAllowedOrigin(origin)) return reject(403, 'origin not allowed', 'origin not allowed');
      const verification = await verifyCancelToken(token, sessionId, config.tokenKeys);
      // The precise reason goes to the audit log only: the caller learns nothing about keys.
      if (!verification.ok) return reject(403, verification.reason, 'invalid or expired cancel token');
      // Counted only for verified requests, so forged floods cannot lock a real session out.
      const decision = limiters.sessionCancel.take(sessionId.toLowerCase());
      if (!decision.allowed) return reject(429, 'too many requests for this session', 'too many requests', decision);

      // This instance's own record first: a duplicate joins the cancel already under way here.
      let claimId: string | undefined;
      if (!ctx.cancels.knows(sessionId) && ctx.ledger) {
        try {
          const candidate = crypto.randomUUID();
          const { verdict, entry } = await ctx.ledger.apply(sessionId, { type: 'confirm', tokenExpiresAt: verification.expiresAt, claimId: candidate });
          if (verdict === 'act') claimId = candidate;
          else if (verdict === 'cancelling' || (verdict === 'closed' && entry?.state === 'closed')) {
            // Closed: over at the provider, or cancelled already (by another instance, or before a restart).
            const response: CancelResponse =
              entry?.state !== 'closed'
                ? { outcome: 'in-progress' }
                : { outcome: 'already-terminal', status: entry.closedBy === 'ended' ? (entry.status ?? 'Expired') : 'Cancelled' };
            ctx.audit(cause, { outcome: response.outcome, attempts: 0, deduplicated: true, status: response.status });
            return json(c, response, response.outcome === 'in-progress' ? 202 : 200);
          }
        } catch (error) {
          // The ledger is a second line; the page's own cancel goes ahead without it.
          const message = error instanceof LedgerUnavailable ? error.message : storeErrorMessage(error);
          ctx.log({ type: 'bank-pay.ledger', time: new Date().toISOString(), operation: 'confirm', sessionId, error: message });
        }
      }

      const { settlement, audited, answeredEarly, correlationId } = ctx.startCancel(cause, verification.expiresAt, claimId);
      ctx.keepAlive(c, audited);
      const result = await within(settlement, config.answerWithinMs, answeredEarly);
      const response: CorrelatedCancelResponse = result
        ? cancelResponseOf(result, correlationId)
        : { outcome: 'failed', retrying: true, error: failureMessage(true, correlationId), correlationId };
      return json(c, response, cancelHttpStatus(response));
    },
  );
  route.all('/', (c) => methodNotAllowed(c, 'POST'));
  return route;
}
