/**
 * `POST {basePath}/signals`: what a live page tells the lease ledger (`alive` heartbeats,
 * `hidden`, `intent`, `revoke`). The answer carries the status the relay knows, so a
 * heartbeat learns when the provider ended the session elsewhere, and when to beat next.
 * A ledger that cannot be reached keeps the session: the page is told to carry on.
 */

import { Hono } from 'hono';
import { MAX_BEACON_BODY_BYTES } from '../../protocol/beacon-body.js';
import { parseSignalRequest, type SignalResponse } from '../../protocol/signal-request.js';
import type { SessionStatus } from '../../protocol/status.js';
import { verifyCancelToken } from '../cancel-token.js';
import type { RelayContext } from '../context.js';
import { refusedLine } from '../audit.js';
import { json, methodNotAllowed, tooManyRequests } from '../http/answers.js';
import { LedgerUnavailable, type LedgerResult } from '../ledger/ledger.js';
import { readText } from './read-body.js';

/** The status a ledger entry stands for: a closed one is over; any other is still live. */
function statusOf(entry: LedgerResult['entry']): SessionStatus {
  if (entry?.state !== 'closed') return 'Initiated';
  return entry.closedBy === 'ended' ? (entry.status ?? 'Expired') : 'Cancelled';
}

export function signalsRoute(ctx: RelayContext): Hono {
  const route = new Hono();
  route.post(
    '/',
    ctx.limitByClientIp(ctx.limiters.signalIp, 'signals', { error: 'too many requests' }),
    async (c) => {
      const { ledger, config } = ctx;
      if (!ledger || !config.leases) return json(c, { error: 'leases are not enabled on this relay' }, 404);
      const heartbeatMs = config.leases.heartbeatMs;
      const read = await readText(c, MAX_BEACON_BODY_BYTES);
      if (!read.ok) {
        return read.reason === 'too-large'
          ? json(c, { error: `body is larger than ${MAX_BEACON_BODY_BYTES} bytes` }, 413)
          : json(c, { error: 'the body could not be read' }, 400);
      }
      const text = read.body;
      const parsed = parseSignalRequest(text, c.req.header('content-type'));
      if (!parsed.ok) return json(c, { error: parsed.message }, parsed.code === 'unsupported-media-type' ? 415 : 400);
      const { sessionId, token, signal } = parsed.value;
      const origin = c.req.header('origin');
      const refuse = (reason: string) => ctx.refused({ route: 'signals', reason }, () => ctx.log(refusedLine('signals', reason, sessionId, origin, new Date())));
      if (!ctx.isAllowedOrigin(origin)) {
        refuse('origin not allowed');
        return json(c, { error: 'origin not allowed' }, 403);
      }
      const verification = await verifyCancelToken(token, sessionId, config.tokenKeys);
      if (!verification.ok) {
        refuse(verification.reason);
        return json(c, { error: 'invalid or expired cancel token' }, 403);
      }
      // Signals have their own per-session budget: they can never use up the one a cancel needs.
      const decision = ctx.limiters.sessionSignal.take(sessionId.toLowerCase());
      if (!decision.allowed) {
        refuse('too many requests for this session');
        return tooManyRequests(c, decision, { error: 'too many requests' });
      }

      let result: LedgerResult;
      try {
        result = await ledger.apply(sessionId, { type: signal, tokenExpiresAt: verification.expiresAt });
      } catch (error) {
        const message = error instanceof LedgerUnavailable ? error.message : 'internal error';
        ctx.log({ type: 'bank-pay.ledger', time: new Date().toISOString(), operation: signal, sessionId, error: message });
        return json(c, { status: 'Initiated', heartbeatMs, error: 'the lease ledger is unavailable; the session is kept' } satisfies SignalResponse, 503);
      }

      let status = statusOf(result.entry);
      // A heartbeat also asks the provider, at most once per refresh interval per session, so a
      // session that expired or ended elsewhere (no webhook for Expired) reaches the page.
      const entry = result.entry;
      if (signal === 'alive' && entry?.state === 'live' && ledger.now() - entry.statusReadAt >= config.leases.statusRefreshMs) {
        const reading = await ctx.readStatus(sessionId);
        if (reading.kind === 'ended') status = reading.status;
        const event = reading.kind === 'ended' ? ({ type: 'ended', status: reading.status } as const) : ({ type: 'status-read' } as const);
        if (reading.kind !== 'unreachable' && reading.kind !== 'not-found') ctx.keepAlive(c, ledger.apply(sessionId, event).catch(() => undefined));
      }
      return json(c, { status, heartbeatMs } satisfies SignalResponse, 200);
    },
  );
  route.all('/', (c) => methodNotAllowed(c, 'POST'));
  return route;
}
