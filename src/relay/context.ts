/**
 * What every route of one relay shares: its resolved options, the provider client, the
 * cancel service, the lease ledger, the rate limiters and the audit log. Built once by
 * createRelay; the route modules only translate HTTP to these and back.
 */

import type { Context, MiddlewareHandler } from 'hono';
import { normalizeStatus, TERMINAL_STATUSES, type SessionStatus } from '../protocol/status.js';
import { cancelAuditLine, type CancelAuditRecord } from './audit.js';
import { CancelService, type CancelSettlement } from './cancel-service.js';
import { tooManyRequests } from './http/answers.js';
import { clientIpOf } from './http/client-ip.js';
import { createRateLimiter, UNLIMITED, type RateLimit, type RateLimiter } from './http/rate-limiter.js';
import { Ledger } from './ledger/ledger.js';
import type { StatusReading } from './ledger/sweeper.js';
import type { ResolvedRelayOptions } from './options.js';
import { ProviderClient } from './provider/client.js';
import { ProviderError } from './provider/error.js';
import { interpretStatusReply } from './provider/replies.js';
import { retryTransient } from './retry.js';

/** Who asked for a cancel, for its audit line. */
export type CancelCause = Pick<CancelAuditRecord, 'sessionId' | 'reason' | 'origin' | 'rule'> & {
  /** When the request arrived (or the sweeper claimed the session): the audit's latency counts from it. */
  readonly receivedAt: number;
};

export interface StartedCancel {
  readonly settlement: Promise<CancelSettlement>;
  /** Settles once the audit line is written. */
  readonly audited: Promise<void>;
  /** Call when the answer goes out before the outcome is known. */
  answeredEarly(): void;
}

export interface RelayContext {
  readonly config: ResolvedRelayOptions;
  readonly client: ProviderClient;
  readonly cancels: CancelService;
  /** Undefined when leases are off. */
  readonly ledger: Ledger | undefined;
  log(line: Record<string, unknown>): void;
  audit(cause: CancelCause, record: Omit<CancelAuditRecord, 'sessionId' | 'reason' | 'origin' | 'latencyMs' | 'rule'>): void;
  /** Starts (or joins) a session's cancel; its audit line is written once the outcome is known. */
  startCancel(cause: CancelCause, tokenExpiresAt: number): StartedCancel;
  /** The provider status, within the answer window; never rejects. */
  readStatus(sessionId: string): Promise<StatusReading & { readonly providerStatus?: string; readonly statusDetails?: string }>;
  /** Keeps background work alive on runtimes that stop after the answer (Workers, Vercel). */
  keepAlive(c: Context, promise: Promise<unknown>): void;
  isAllowedOrigin(origin: string | undefined): boolean;
  /** Per-client-IP budget middleware; each route family has its own limiter. */
  limitByClientIp(limiter: RateLimiter, refusal: object): MiddlewareHandler;
  readonly limiters: {
    readonly cancelIp: RateLimiter;
    readonly statusIp: RateLimiter;
    readonly signalIp: RateLimiter;
    /** Per session, keyed `cancel:…`, `status:…`, so one kind never uses up another's budget. */
    readonly session: RateLimiter;
    /** Per session for signals: the session budget plus room for the heartbeats the lease asks for. */
    readonly signalSession: RateLimiter;
  };
}

export function createRelayContext(config: ResolvedRelayOptions): RelayContext {
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
  const ledger = config.leases ? new Ledger(config.leases.store, config.leases.settings, config.leases.storeTimeoutMs) : undefined;

  const audit: RelayContext['audit'] = (cause, record) =>
    log(cancelAuditLine({ ...record, sessionId: cause.sessionId, reason: cause.reason, origin: cause.origin, rule: cause.rule, latencyMs: Date.now() - cause.receivedAt }, new Date()));

  const startCancel: RelayContext['startCancel'] = (cause, tokenExpiresAt) => {
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
  };

  const readStatus: RelayContext['readStatus'] = async (sessionId) => {
    // Only worth a short wait: a heartbeat asks again soon, a sweep keeps the session meanwhile.
    const result = await retryTransient(async () => interpretStatusReply(await client.sessionStatus(sessionId)), {
      policy: config.backoff,
      deadline: Date.now() + config.answerWithinMs,
    });
    if (!result.ok) return { kind: 'unreachable', error: result.error instanceof ProviderError ? result.error.message : 'internal error' };
    if (result.value.kind === 'not-found') return { kind: 'not-found' };
    const { status: providerStatus, statusDetails } = result.value.snapshot;
    const status: SessionStatus | undefined = normalizeStatus(providerStatus);
    if (!status) return { kind: 'unreachable', error: 'the provider answered an unknown status' };
    return TERMINAL_STATUSES.has(status) ? { kind: 'ended', status, providerStatus, statusDetails } : { kind: 'live', providerStatus, statusDetails };
  };

  const limit = (which: 'perClientIp' | 'perSession', perWindow: (limit: RateLimit) => number = (l) => l.limit) =>
    config.rateLimit ? createRateLimiter({ ...config.rateLimit[which], limit: perWindow(config.rateLimit[which]) }) : UNLIMITED;
  // A refused heartbeat lets a present shopper's lease lapse, so signals get the heartbeats'
  // own budget on top: per session, twice the heartbeats a window holds; per address, that
  // many heartbeats for every page the cancel budget would let go in a window.
  const beats = ({ windowMs }: RateLimit) => (config.leases ? Math.ceil(windowMs / config.leases.heartbeatMs) : 0);

  return {
    config,
    client,
    cancels,
    ledger,
    log,
    audit,
    startCancel,
    readStatus,
    keepAlive(c, promise) {
      try {
        if (config.waitUntil) config.waitUntil(promise);
        else c.executionCtx.waitUntil(promise);
      } catch {
        // No execution context (Node, Bun, Deno): the process outlives the answer anyway.
      }
    },
    isAllowedOrigin: (origin) => origin === undefined || config.allowedOrigins.has(origin),
    limitByClientIp: (limiter, refusal) => async (c, next) => {
      const ip = clientIpOf(c, config);
      const decision = ip === undefined ? ({ allowed: true } as const) : limiter.take(ip);
      if (!decision.allowed) return tooManyRequests(c, decision, refusal);
      await next();
    },
    limiters: {
      cancelIp: limit('perClientIp'),
      statusIp: limit('perClientIp'),
      signalIp: limit('perClientIp', (l) => l.limit * (1 + beats(l))),
      session: limit('perSession'),
      signalSession: limit('perSession', (l) => l.limit + 2 * beats(l)),
    },
  };
}
