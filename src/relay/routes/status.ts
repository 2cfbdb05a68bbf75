/**
 * `GET {basePath}/sessions/:id/status?token=`: the provider status, in canonical spelling
 * (and as the provider spelled it). A status that ends the session also closes its lease.
 */

import { Hono } from 'hono';
import type { StatusResponse } from '../../protocol/cancel-request.js';
import { isSessionId } from '../../protocol/session-id.js';
import { verifyCancelToken } from '../cancel-token.js';
import { refusedLine } from '../audit.js';
import { newCorrelationId, type RelayContext as Ctx } from '../context.js';
import { json, methodNotAllowed, tooManyRequests } from '../http/answers.js';

export function statusRoute(ctx: Ctx): Hono {
  const route = new Hono();
  route.get('/:id/status', ctx.limitByClientIp(ctx.limiters.statusIp, 'status', { error: 'too many requests' }), async (c) => {
    const sessionId = c.req.param('id');
    const token = c.req.query('token');
    const origin = c.req.header('origin');
    const refuse = (reason: string) => ctx.refused({ route: 'status', reason }, () => ctx.log(refusedLine('status', reason, isSessionId(sessionId) ? sessionId : undefined, origin, new Date())));
    if (!ctx.isAllowedOrigin(origin)) {
      refuse('origin not allowed');
      return json(c, { error: 'origin not allowed' }, 403);
    }
    if (!isSessionId(sessionId)) return json(c, { error: 'session id must be a UUID' }, 400);
    if (!token) return json(c, { error: 'the token query parameter is required' }, 400);
    const verification = await verifyCancelToken(token, sessionId, ctx.config.tokenKeys);
    if (!verification.ok) {
      refuse(verification.reason);
      return json(c, { error: 'invalid or expired cancel token' }, 403);
    }
    const decision = ctx.limiters.sessionStatus.take(sessionId.toLowerCase());
    if (!decision.allowed) {
      refuse('too many requests for this session');
      return tooManyRequests(c, decision, { error: 'too many requests' });
    }

    const reading = await ctx.readStatus(sessionId);
    if (reading.kind === 'unreachable') {
      // The provider's own words stay in the log; the page gets an id to quote.
      const correlationId = newCorrelationId();
      ctx.log({ type: 'bank-pay.status', time: new Date().toISOString(), sessionId, outcome: 'unreachable', error: reading.error, correlationId });
      return json(c, { error: `could not read the session status (reference ${correlationId})`, correlationId }, 502);
    }
    if (reading.kind === 'not-found') return json(c, { error: 'session not found' }, 404);
    if (reading.kind === 'ended' && ctx.ledger) {
      ctx.keepAlive(c, ctx.ledger.apply(sessionId, { type: 'ended', status: reading.status }).catch(() => undefined));
    }
    const body: StatusResponse = {
      status: reading.kind === 'ended' ? reading.status : 'Initiated',
      providerStatus: reading.providerStatus ?? '',
      statusDetails: reading.statusDetails ?? '',
    };
    return json(c, body, 200);
  });
  route.all('/:id/status', (c) => methodNotAllowed(c, 'GET'));
  return route;
}
