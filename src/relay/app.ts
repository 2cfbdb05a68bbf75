/**
 * `createRelay`: the merchant relay as one Hono app (a Web-standard fetch handler).
 *
 *   POST {basePath}/cancel                      cancel request from the element (beacon or fetch):
 *                                               a confirm cancels now, an intent after its grace
 *                                               unless revoked (intent-service.ts)
 *   GET  {basePath}/sessions/:id/status?token=  the provider status, reduced to {status, statusDetails}
 *   POST {basePath}/webhooks                    the provider's signed SessionSetupStatusChanged
 *
 * Routes only translate HTTP to the modules that do the work (token check, cancel service,
 * webhook receiver) and back; every error becomes a JSON answer, never a 500.
 */

import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import {
  MAX_CANCEL_BODY_BYTES,
  parseCancelRequest,
  type CancelRequest,
  type CancelResponse,
  type StatusResponse,
} from '../protocol/cancel-request.js';
import { isSessionId } from '../protocol/session-id.js';
import { normalizeStatus } from '../protocol/status.js';
import { WEBHOOK_SIGNATURE_HEADER } from '../protocol/webhook.js';
import { cancelAuditLine, intentAuditLine, type CancelAuditRecord } from './audit.js';
import { CancelService, type CancelSettlement, type DrainReport } from './cancel-service.js';
import { verifyCancelToken } from './cancel-token.js';
import { clientIpOf } from './client-ip.js';
import { resolveRelayOptions, type RelayOptions, type ResolvedRelayOptions } from './options.js';
import { ProviderClient } from './provider-client.js';
import { ProviderError } from './provider-error.js';
import { interpretStatusReply } from './provider-replies.js';
import { createRateLimiter, UNLIMITED, type RateDecision } from './rate-limiter.js';
import { cancelHttpStatus, cancelResponseOf, json, tooManyRequests, within } from './answers.js';
import { retryTransient } from './retry.js';
import { createWebhookReceiver } from './webhook-receiver.js';
import type { PendingIntent } from './intent-machine.js';
import { IntentService, storeErrorMessage } from './intent-service.js';

export type RelayApp = Hono & {
  /**
   * Graceful shutdown: waits up to `timeoutMs` (default 10 s) for intents whose grace is still
   * running and for cancels still being retried, then stops the rest (cancels logged as failed,
   * abandoned; intents left in a shared store for another relay). Call it after the server
   * stops accepting.
   */
  drain(timeoutMs?: number): Promise<DrainReport>;
};

/** Who asked for a cancel, for its audit line. */
interface CancelCause {
  readonly sessionId: string;
  readonly reason: CancelRequest['reason'];
  readonly origin: string | undefined;
  /** When the request (the intent, for one whose grace ended) arrived: the audit's latency counts from it. */
  readonly receivedAt: number;
  readonly phase?: CancelRequest['phase'];
}

/** Webhook bodies are a few hundred bytes; this only stops abuse. */
const MAX_WEBHOOK_BODY_BYTES = 64 * 1024;
const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

export function createRelay(options: RelayOptions): RelayApp {
  const config: ResolvedRelayOptions = resolveRelayOptions(options);
  const log = (line: Record<string, unknown>) => {
    try {
      config.log(line);
    } catch {
      // A broken logger must not break cancels, nor reject the background work it is called from.
    }
  };
  const client = new ProviderClient({
    credentials: config.provider,
    requestTimeoutMs: config.providerTimeoutMs,
    ...(config.fetch ? { fetch: config.fetch } : {}),
  });
  const cancels = new CancelService({ client, backoff: config.backoff, maxRetryWindowMs: config.maxRetryWindowMs });

  const audit = (cause: CancelCause, record: Omit<CancelAuditRecord, 'sessionId' | 'reason' | 'origin' | 'latencyMs' | 'phase'>) =>
    log(
      cancelAuditLine(
        { ...record, sessionId: cause.sessionId, reason: cause.reason, origin: cause.origin, latencyMs: Date.now() - cause.receivedAt, phase: cause.phase },
        new Date(),
      ),
    );

  /**
   * Starts (or joins) the session's cancel and writes its audit line once the outcome is known,
   * even after the answer went out. `answeredEarly` is called when the answer did not wait.
   */
  function startCancel(cause: CancelCause, tokenExpiresAt: number): { settlement: Promise<CancelSettlement>; audited: Promise<void>; answeredEarly: () => void } {
    const { settlement, joined } = cancels.cancel(cause.sessionId, tokenExpiresAt);
    let answeredBeforeOutcome = false;
    const audited = settlement.then((result) =>
      audit(cause, {
        outcome: result.outcome,
        referenceId: result.referenceId,
        status: result.status,
        statusDetails: result.statusDetails,
        attempts: result.attempts,
        error: result.error,
        answeredBeforeOutcome,
        deduplicated: joined,
        abandoned: result.abandoned ?? false,
      }),
    );
    return { settlement, audited, answeredEarly: () => (answeredBeforeOutcome = true) };
  }

  const intents = config.intents
    ? new IntentService({
        ...config.intents,
        act: ({ sessionId, reason, origin, receivedAt, tokenExpiresAt }: PendingIntent) =>
          startCancel({ sessionId, reason, origin, receivedAt, phase: 'intent' }, tokenExpiresAt).audited,
        onStoreError: (operation, error, sessionId) =>
          log({
            type: 'bank-pay.intent-store',
            time: new Date().toISOString(),
            operation,
            ...(sessionId ? { sessionId } : {}),
            error: storeErrorMessage(error),
          }),
      })
    : undefined;
  intents?.startPolling();
  // Cancels and status checks have separate per-address budgets: a page polling its status must
  // never use up the budget its own cancel needs.
  const cancelIpLimiter = config.rateLimit ? createRateLimiter(config.rateLimit.perClientIp) : UNLIMITED;
  const statusIpLimiter = config.rateLimit ? createRateLimiter(config.rateLimit.perClientIp) : UNLIMITED;
  const sessionLimiter = config.rateLimit ? createRateLimiter(config.rateLimit.perSession) : UNLIMITED;
  const receiveWebhook = config.webhookSecret
    ? createWebhookReceiver({
        secret: config.webhookSecret,
        toleranceMs: config.webhookToleranceMs,
        ...(config.onStatusChange ? { onStatusChange: config.onStatusChange } : {}),
        onHandlerError: (error, event) =>
          log({
            type: 'bank-pay.webhook',
            time: new Date().toISOString(),
            sessionId: event.sessionId,
            status: event.status,
            outcome: 'handler-failed',
            error: error instanceof Error ? error.message : String(error),
          }),
      })
    : undefined;

  const isAllowedOrigin = (origin: string | undefined) => origin === undefined || config.allowedOrigins.has(origin);

  /** Keeps background work alive on runtimes that stop after the answer (Workers, Vercel). */
  function keepAlive(c: Context, promise: Promise<unknown>): void {
    try {
      if (config.waitUntil) config.waitUntil(promise);
      else c.executionCtx.waitUntil(promise);
    } catch {
      // No execution context (Node, Bun, Deno): the process outlives the answer anyway.
    }
  }

  const limitByClientIp = (limiter: typeof cancelIpLimiter, refusal: object) => async (c: Context, next: () => Promise<void>) => {
    const ip = clientIpOf(c, config);
    const decision = ip === undefined ? ({ allowed: true } as const) : limiter.take(ip);
    if (!decision.allowed) return tooManyRequests(c, decision, refusal);
    await next();
  };

  const app = new Hono();
  const base = config.basePath;
  const corsForPages = cors({
    origin: (origin) => (config.allowedOrigins.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['Content-Type'],
    maxAge: 600,
  });
  app.use(`${base}/cancel`, corsForPages);
  app.use(`${base}/sessions/*`, corsForPages);

  app.post(
    `${base}/cancel`,
    limitByClientIp(cancelIpLimiter, { outcome: 'rejected', error: 'too many requests' } satisfies CancelResponse),
    bodyLimit({
      maxSize: MAX_CANCEL_BODY_BYTES,
      onError: (c) => json(c, { outcome: 'rejected', error: `body is larger than ${MAX_CANCEL_BODY_BYTES} bytes` }, 413),
    }),
    async (c) => {
      const receivedAt = Date.now();
      const origin = c.req.header('origin');
      let text: string;
      try {
        text = await c.req.text();
      } catch {
        return json(c, { outcome: 'rejected', error: 'the body could not be read' }, 400);
      }
      const parsed = parseCancelRequest(text, c.req.header('content-type'));
      if (!parsed.ok) {
        return json(c, { outcome: 'rejected', error: parsed.message }, parsed.code === 'unsupported-media-type' ? 415 : 400);
      }
      const request: CancelRequest = parsed.value;
      const { sessionId, reason, phase = 'confirm' } = request;
      if (phase !== 'confirm' && !intents) {
        return json(c, { outcome: 'rejected', error: `phase "${phase}" is not enabled on this relay; send phase "confirm" or none` }, 400);
      }

      const cause: CancelCause = { sessionId, reason, origin, receivedAt, phase };
      const reject = (status: 403 | 429, auditError: string, answerError: string, decision?: RateDecision) => {
        audit(cause, { outcome: 'rejected', attempts: 0, error: auditError });
        const body: CancelResponse = { outcome: 'rejected', error: answerError };
        return decision && !decision.allowed ? tooManyRequests(c, decision, body) : json(c, body, status);
      };

      if (!isAllowedOrigin(origin)) return reject(403, 'origin not allowed', 'origin not allowed');
      const verification = await verifyCancelToken(request.token, request.sessionId, config.tokenKeys);
      // The precise reason goes to the audit log only: the caller learns nothing about keys.
      if (!verification.ok) return reject(403, verification.reason, 'invalid or expired cancel token');
      // Counted only for verified requests, so forged floods cannot lock a real session out.
      const decision = sessionLimiter.take(`cancel:${request.sessionId.toLowerCase()}`);
      if (!decision.allowed) return reject(429, 'too many requests for this session', 'too many requests', decision);

      if (phase !== 'confirm' && intents) {
        const answer = await intents.receive({ sessionId, reason, phase, tokenExpiresAt: verification.expiresAt, origin });
        if (answer.ok && answer.wakeUp) keepAlive(c, answer.wakeUp);
        log(
          intentAuditLine(
            answer.ok
              ? { sessionId, reason, phase, origin, outcome: answer.response.outcome, graceMs: answer.response.graceMs }
              : { sessionId, reason, phase, origin, outcome: 'failed', error: answer.error },
            new Date(),
          ),
        );
        if (!answer.ok) return json(c, { outcome: 'failed', error: answer.error } satisfies CancelResponse, 503);
        return json(c, answer.response, answer.response.outcome === 'pending' ? 202 : 200);
      }

      // A confirm always wins: no intent of this session may start a second cancel from now on.
      const { settlement, audited, answeredEarly } = startCancel(cause, verification.expiresAt);
      keepAlive(c, Promise.all([intents?.confirmed(sessionId), audited]));
      const result = await within(settlement, config.answerWithinMs, answeredEarly);
      const response: CancelResponse = result
        ? cancelResponseOf(result)
        : { outcome: 'failed', retrying: true, error: 'the provider has not answered yet; the relay keeps retrying' };
      return json(c, response, cancelHttpStatus(response));
    },
  );

  app.get(`${base}/sessions/:id/status`, limitByClientIp(statusIpLimiter, { error: 'too many requests' }), async (c) => {
    const sessionId = c.req.param('id');
    const token = c.req.query('token');
    if (!isAllowedOrigin(c.req.header('origin'))) return json(c, { error: 'origin not allowed' }, 403);
    if (!isSessionId(sessionId)) return json(c, { error: 'session id must be a UUID' }, 400);
    if (!token) return json(c, { error: 'the token query parameter is required' }, 400);
    const verification = await verifyCancelToken(token, sessionId, config.tokenKeys);
    if (!verification.ok) return json(c, { error: 'invalid or expired cancel token' }, 403);
    const decision = sessionLimiter.take(`status:${sessionId.toLowerCase()}`);
    if (!decision.allowed) return tooManyRequests(c, decision, { error: 'too many requests' });

    // A status check is only worth a short wait; the element asks again on its next resume.
    const result = await retryTransient(async () => interpretStatusReply(await client.sessionStatus(sessionId)), {
      policy: config.backoff,
      deadline: Date.now() + config.answerWithinMs,
    });
    if (!result.ok) {
      const error = result.error instanceof ProviderError ? result.error.message : 'internal error';
      return json(c, { error: `could not read the session status: ${error}` }, 502);
    }
    if (result.value.kind === 'not-found') return json(c, { error: 'session not found' }, 404);
    const { status: providerStatus, statusDetails } = result.value.snapshot;
    // The canonical name, so the element need not know the provider's spellings (GEFT's Canceled).
    const status = normalizeStatus(providerStatus);
    if (!status) return json(c, { error: 'could not read the session status: the provider answered an unknown status' }, 502);
    const body: StatusResponse = { status, providerStatus, statusDetails };
    return json(c, body, 200);
  });

  app.post(
    `${base}/webhooks`,
    bodyLimit({
      maxSize: MAX_WEBHOOK_BODY_BYTES,
      onError: (c) => json(c, { error: `body is larger than ${MAX_WEBHOOK_BODY_BYTES} bytes` }, 413),
    }),
    async (c) => {
      if (!receiveWebhook) return json(c, { error: 'webhooks are not enabled on this relay' }, 404);
      let raw: Uint8Array;
      try {
        raw = new Uint8Array(await c.req.arrayBuffer());
      } catch {
        return json(c, { error: 'the body could not be read' }, 400);
      }
      const result = await receiveWebhook(raw, c.req.header(WEBHOOK_SIGNATURE_HEADER));
      if (result.httpStatus === 400 || result.httpStatus === 401) {
        log({ type: 'bank-pay.webhook', time: new Date().toISOString(), outcome: 'refused', error: result.body.error });
      }
      return json(c, result.body, result.httpStatus);
    },
  );

  app.onError((error, c) => {
    // Only a bug gets here; the message is ours (no request data, no secrets).
    log({ type: 'bank-pay.error', time: new Date().toISOString(), error: error.message, path: c.req.path });
    return json(c, { error: 'internal error' }, 500);
  });

  /** Intents first: one whose grace ends within the bound still gets its cancel, which the cancels' drain then waits for. */
  async function drain(timeoutMs: number = DEFAULT_DRAIN_TIMEOUT_MS): Promise<DrainReport> {
    const started = Date.now();
    const intentsLeft = (await intents?.drain(timeoutMs)) ?? 0;
    const report = await cancels.drain(Math.max(0, timeoutMs - (Date.now() - started)));
    return intentsLeft > 0 ? { ...report, intentsLeft } : report;
  }

  return Object.assign(app, { drain });
}
