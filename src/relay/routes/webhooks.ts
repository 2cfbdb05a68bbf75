/**
 * `POST {basePath}/webhooks`: the provider's signed SessionSetupStatusChanged. A verified
 * status that ends the session closes its lease, then reaches the merchant's handler.
 */

import { Hono } from 'hono';
import { readBytes } from './read-body.js';
import { WEBHOOK_SIGNATURE_HEADER } from '../../protocol/webhook.js';
import { TERMINAL_STATUSES } from '../../protocol/status.js';
import type { RelayContext } from '../context.js';
import { json, methodNotAllowed, tooManyRequests } from '../http/answers.js';
import { createWebhookReceiver, type StatusChangeEvent } from '../webhook-receiver.js';

/** Webhook bodies are a few hundred bytes; this only stops abuse. */
const MAX_WEBHOOK_BODY_BYTES = 64 * 1024;

export function webhooksRoute(ctx: RelayContext): Hono {
  const { config } = ctx;
  const onStatusChange = async (event: StatusChangeEvent) => {
    if (ctx.ledger && TERMINAL_STATUSES.has(event.status)) {
      // A ledger that cannot be reached only delays what the page learns; the handler still runs.
      await ctx.ledger.apply(event.sessionId, { type: 'ended', status: event.status }).catch(() => undefined);
    }
    await config.onStatusChange?.(event);
  };
  const receive = config.webhookSecret
    ? createWebhookReceiver({
        secret: config.webhookSecret,
        toleranceMs: config.webhookToleranceMs,
        onStatusChange,
        onHandlerError: (error, event) =>
          ctx.log({
            type: 'bank-pay.webhook',
            time: new Date().toISOString(),
            sessionId: event.sessionId,
            status: event.status,
            outcome: 'handler-failed',
            error: error instanceof Error ? error.message : String(error),
          }),
      })
    : undefined;

  const route = new Hono();
  route.post(
    '/',
    // An address that keeps sending deliveries the relay refuses (forged signatures, replays)
    // is answered 429 before its body is read. The provider's own deliveries never count.
    async (c, next) => {
      const ip = ctx.clientKey(c);
      const decision = ip === undefined ? ({ allowed: true } as const) : ctx.limiters.webhookRefusalsIp.check(ip);
      if (!decision.allowed) {
        ctx.rejections.note({ route: 'webhooks', reason: 'too many refused deliveries from this address' });
        return tooManyRequests(c, decision, { error: 'too many requests' });
      }
      await next();
    },
    async (c) => {
      if (!receive) return json(c, { error: 'webhooks are not enabled on this relay' }, 404);
      const read = await readBytes(c, MAX_WEBHOOK_BODY_BYTES);
      if (!read.ok) {
        return read.reason === 'too-large'
          ? json(c, { error: `body is larger than ${MAX_WEBHOOK_BODY_BYTES} bytes` }, 413)
          : json(c, { error: 'the body could not be read' }, 400);
      }
      const raw = read.body;
      const result = await receive(raw, c.req.header(WEBHOOK_SIGNATURE_HEADER));
      if (result.httpStatus === 400 || result.httpStatus === 401) {
        const ip = ctx.clientKey(c);
        if (ip !== undefined) ctx.limiters.webhookRefusalsIp.take(ip);
        const error = result.body.error;
        ctx.refused({ route: 'webhooks', reason: error }, () => ctx.log({ type: 'bank-pay.webhook', time: new Date().toISOString(), outcome: 'refused', error }));
      }
      return json(c, result.body, result.httpStatus);
    },
  );
  route.all('/', (c) => methodNotAllowed(c, 'POST'));
  return route;
}
