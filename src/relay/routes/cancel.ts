/**
 * `POST {basePath}/cancel`: the page's cancel (close button, the flow's CLOSE, removal,
 * pagehide, the browser's deferred fetch). Verifies the token, closes the session in the lease
 * ledger (so a duplicate, here or on another instance, makes no second provider call) and
 * cancels at once. A ledger that cannot be reached never stops a legitimate cancel.
 */

import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_CANCEL_BODY_BYTES, parseCancelRequest, type CancelResponse } from '../../protocol/cancel-request.js';
import { verifyCancelToken } from '../cancel-token.js';
import type { CancelCause, RelayContext } from '../context.js';
import { cancelHttpStatus, cancelResponseOf, json, tooManyRequests, within } from '../http/answers.js';
import type { RateDecision } from '../http/rate-limiter.js';
import { LedgerUnavailable } from '../ledger/ledger.js';
import { storeErrorMessage } from '../ledger/store-error.js';
import { readText } from './read-body.js';

export function cancelRoute(ctx: RelayContext): Hono {
  const { config, limiters } = ctx;
  const route = new Hono();
  route.post(
    '/',
    ctx.limitByClientIp(limiters.cancelIp, { outcome: 'rejected', error: 'too many requests' } satisfies CancelResponse),
    bodyLimit({
      maxSize: MAX_CANCEL_BODY_BYTES,
      onError: (c) => json(c, { outcome: 'rejected', error: `body is larger than ${MAX_CANCEL_BODY_BYTES} bytes` }, 413),
    }),
    async (c) => {
      const receivedAt = Date.now();
      const origin = c.req.header('origin');
      const text = await readText(c);
      if (text === undefined) return json(c, { outcome: 'rejected', error: 'the body could not be read' }, 400);
      const parsed = parseCancelRequest(text, c.req.header('content-type'));
      if (!parsed.ok) return json(c, { outcome: 'rejected', error: parsed.message }, parsed.code === 'unsupported-media-type' ? 415 : 400);
      const { sessionId, reason, token } = parsed.value;

      const cause: CancelCause = { sessionId, reason, origin, receivedAt, rule: 'confirm' };
      const reject = (status: 403 | 429, auditError: string, answerError: string, decision?: RateDecision) => {
        ctx.audit(cause, { outcome: 'rejected', attempts: 0, error: auditError });
        const body: CancelResponse = { outcome: 'rejected', error: answerError };
        return decision && !decision.allowed ? tooManyRequests(c, decision, body) : json(c, body, status);
      };

      if (!ctx.isAllowedOrigin(origin)) return reject(403, 'origin not allowed', 'origin not allowed');
      const verification = await verifyCancelToken(token, sessionId, config.tokenKeys);
      // The precise reason goes to the audit log only: the caller learns nothing about keys.
      if (!verification.ok) return reject(403, verification.reason, 'invalid or expired cancel token');
      // Counted only for verified requests, so forged floods cannot lock a real session out.
      const decision = limiters.session.take(`cancel:${sessionId.toLowerCase()}`);
      if (!decision.allowed) return reject(429, 'too many requests for this session', 'too many requests', decision);

      // This instance's own record first: a duplicate joins the cancel already under way here.
      if (!ctx.cancels.knows(sessionId) && ctx.ledger) {
        try {
          const { verdict, entry } = await ctx.ledger.apply(sessionId, { type: 'confirm', tokenExpiresAt: verification.expiresAt });
          if (verdict === 'closed' && entry?.state === 'closed') {
            const response: CancelResponse =
              entry.closedBy === 'ended'
                ? { outcome: 'already-terminal', ...(entry.status ? { status: entry.status } : {}) }
                : { outcome: 'in-progress' };
            ctx.audit(cause, { outcome: response.outcome, attempts: 0, deduplicated: true, status: response.status });
            return json(c, response, response.outcome === 'in-progress' ? 202 : 200);
          }
        } catch (error) {
          // The ledger is a second line; the page's own cancel goes ahead without it.
          const message = error instanceof LedgerUnavailable ? error.message : storeErrorMessage(error);
          ctx.log({ type: 'bank-pay.ledger', time: new Date().toISOString(), operation: 'confirm', sessionId, error: message });
        }
      }

      const { settlement, audited, answeredEarly } = ctx.startCancel(cause, verification.expiresAt);
      ctx.keepAlive(c, audited);
      const result = await within(settlement, config.answerWithinMs, answeredEarly);
      const response: CancelResponse = result
        ? cancelResponseOf(result)
        : { outcome: 'failed', retrying: true, error: 'the provider has not answered yet; the relay keeps retrying' };
      return json(c, response, cancelHttpStatus(response));
    },
  );
  return route;
}
