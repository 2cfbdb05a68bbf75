/**
 * What every route of one relay shares: its resolved options, the provider client, the
 * cancel service, the lease ledger, the rate limiters and the audit log. Built once by
 * createRelay; the route modules only translate HTTP to these and back.
 */

import type { Context, MiddlewareHandler } from 'hono';
import { normalizeStatus, TERMINAL_STATUSES, type SessionStatus } from '../protocol/status.js';
import { boundedSignal } from './abort.js';
import { cancelAcceptedLine, cancelAuditLine, type CancelAuditRecord } from './audit.js';
import { CancelService, type CancelSettlement } from './cancel-service.js';
import { tooManyRequests } from './http/answers.js';
import { clientIpOf } from './http/client-ip.js';
import { createRateLimiter, UNLIMITED, type RateLimit, type RateLimiter } from './http/rate-limiter.js';
import { ClaimKeeper } from './ledger/claims.js';
import { Ledger } from './ledger/ledger.js';
import type { StatusReading } from './ledger/sweeper.js';
import type { ResolvedRelayOptions } from './options.js';
import { ProviderClient } from './provider/client.js';
import { ProviderError } from './provider/error.js';
import { interpretStatusReply } from './provider/replies.js';
import { RejectionLog, type RejectionKind } from './rejections.js';
import { retryTransient } from './retry.js';

/** Who asked for a cancel, for its audit line. */
export type CancelCause = Pick<CancelAuditRecord, 'sessionId' | 'reason' | 'origin' | 'rule'> & {
  /** When the request arrived (or the sweeper claimed the session): the audit's latency counts from it. */
  readonly receivedAt: number;
  /** Sent for a cancel another instance accepted and did not finish. */
  readonly takenOver?: boolean;
};

export interface StartedCancel {
  readonly settlement: Promise<CancelSettlement>;
  /** Settles once the outcome line is written and the ledger claim settled. Never rejects. */
  readonly audited: Promise<void>;
  /** In the acceptance line, the outcome line and the answer, so one can be found from the other. */
  readonly correlationId: string;
  /** Call when the answer goes out before the outcome is known. */
  answeredEarly(): void;
}

export interface RelayContext {
  readonly config: ResolvedRelayOptions;
  readonly client: ProviderClient;
  readonly cancels: CancelService;
  /** Undefined when leases are off. */
  readonly ledger: Ledger | undefined;
  /** This instance's claims in the ledger; undefined when leases are off. */
  readonly claims: ClaimKeeper | undefined;
  readonly rejections: RejectionLog;
  log(line: Record<string, unknown>): void;
  /** Writes the outcome line of a cancel decided at once (joined to another, or already over). */
  audit(cause: CancelCause, record: Omit<CancelAuditRecord, 'sessionId' | 'reason' | 'origin' | 'latencyMs' | 'rule'>): void;
  /**
   * A refused request: its full line is written when it is the first of its kind in the
   * interval, otherwise it is only counted (rejections.ts).
   */
  refused(kind: RejectionKind, writeLine: () => void): void;
  /**
   * Starts (or joins) a session's cancel: writes its acceptance line now and its outcome line
   * once known. With `claimId` (this instance's cancelling claim in the ledger) the claim is
   * kept alive meanwhile and settled after, or handed back if a shutdown stops the cancel.
   */
  startCancel(cause: CancelCause, tokenExpiresAt: number, claimId?: string): StartedCancel;
  /**
   * Stops every cancel in flight now and writes each one's outcome line (failed, abandoned)
   * synchronously, for a shutdown that cannot wait. Returns how many there were.
   */
  abandonAll(): number;
  /** The provider status, within the answer window; never rejects. */
  readStatus(sessionId: string): Promise<StatusReading & { readonly providerStatus?: string; readonly statusDetails?: string }>;
  /** Keeps background work alive on runtimes that stop after the answer (Workers, Vercel). */
  keepAlive(c: Context, promise: Promise<unknown>): void;
  isAllowedOrigin(origin: string | undefined): boolean;
  /** The rate-limit key of the request's client (client-ip.ts). */
  clientKey(c: Context): string | undefined;
  /** Per-client-IP budget middleware; each route family has its own limiter. */
  limitByClientIp(limiter: RateLimiter, route: string, refusal: object): MiddlewareHandler;
  readonly limiters: {
    readonly cancelIp: RateLimiter;
    readonly statusIp: RateLimiter;
    readonly signalIp: RateLimiter;
    /** Refused webhook deliveries per address. */
    readonly webhookRefusalsIp: RateLimiter;
    /** Per session, one limiter for each kind, so one kind never uses up another's budget. */
    readonly sessionCancel: RateLimiter;
    readonly sessionSignal: RateLimiter;
    readonly sessionStatus: RateLimiter;
  };
}

/** A short random id: enough to find one line among a day's, and nothing about the request. */
export function newCorrelationId(): string {
  // 48 random bits as 12 hex digits; randomUUID draws from a batched pool, the cheapest source.
  const uuid = crypto.randomUUID();
  return uuid.slice(0, 8) + uuid.slice(9, 13);
}

interface PendingOutcome {
  /** Writes the outcome line unless it was written already; returns whether it wrote. */
  write(result: CancelSettlement): boolean;
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
  const claims = ledger ? new ClaimKeeper(ledger) : undefined;
  const rejections = new RejectionLog(log, config.rejectionLogIntervalMs);
  let noExecutionContext = false;
  /** Cancels whose outcome line is not written yet. */
  const pending = new Set<PendingOutcome>();

  const auditRecord = (cause: CancelCause, record: Omit<CancelAuditRecord, 'sessionId' | 'reason' | 'origin' | 'latencyMs' | 'rule'>): CancelAuditRecord => ({
    ...record,
    sessionId: cause.sessionId,
    reason: cause.reason,
    origin: cause.origin,
    rule: cause.rule,
    latencyMs: Date.now() - cause.receivedAt,
    ...(cause.takenOver ? { takenOver: true } : {}),
  });
  const audit: RelayContext['audit'] = (cause, record) => log(cancelAuditLine(auditRecord(cause, record), new Date()));

  /** After the cancel: the claim settled (or handed back when a shutdown stopped it). */
  const finishClaim = async (sessionId: string, claimId: string, result: CancelSettlement) => {
    if (!ledger) return;
    try {
      if (result.abandoned) await ledger.apply(sessionId, { type: 'release', claimId, retryInMs: 0 });
      else if (result.outcome === 'failed') await ledger.apply(sessionId, { type: 'settle', claimId, failed: true });
      else {
        const ended = result.outcome === 'already-terminal' ? normalizeStatus(result.status) : result.outcome === 'not-found' ? 'Expired' : undefined;
        await ledger.apply(sessionId, { type: 'settle', claimId, ...(ended ? { ended } : {}) });
      }
    } catch {
      // The claim lapses on its own; another sweep finds the session over (or cancels it again, harmlessly).
    } finally {
      claims?.drop(claimId);
    }
  };

  const startCancel: RelayContext['startCancel'] = (cause, tokenExpiresAt, claimId) => {
    const correlationId = newCorrelationId();
    const { settlement, joined } = cancels.cancel(cause.sessionId, tokenExpiresAt);
    log(
      cancelAcceptedLine(
        { sessionId: cause.sessionId, reason: cause.reason, rule: cause.rule, origin: cause.origin, correlationId, deduplicated: joined, takenOver: cause.takenOver ?? false },
        new Date(),
      ),
    );
    if (claimId) claims?.hold(cause.sessionId, claimId);
    let answeredBeforeOutcome = false;
    let written = false;
    const outcome: PendingOutcome = {
      write(result) {
        if (written) return false;
        written = true;
        pending.delete(outcome);
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
          correlationId,
        });
        return true;
      },
    };
    pending.add(outcome);
    const audited = settlement.then(async (result) => {
      outcome.write(result);
      if (claimId) await finishClaim(cause.sessionId, claimId, result);
    });
    return { settlement, audited, correlationId, answeredEarly: () => (answeredBeforeOutcome = true) };
  };

  const abandonAll = (): number => {
    cancels.stop();
    let count = 0;
    for (const outcome of [...pending]) {
      if (outcome.write({ outcome: 'failed', attempts: 0, error: 'the relay stopped before the provider answered', abandoned: true })) count += 1;
    }
    rejections.close();
    return count;
  };

  const readStatus: RelayContext['readStatus'] = async (sessionId) => {
    // Only worth a short wait: a heartbeat asks again soon, a sweep keeps the session meanwhile.
    // The bound aborts the call in flight too, so an answer never waits for the provider's own timeout.
    const bound = boundedSignal(config.answerWithinMs);
    let result;
    try {
      result = await retryTransient(async () => interpretStatusReply(await client.sessionStatus(sessionId, bound.signal)), {
        policy: config.backoff,
        deadline: Date.now() + config.answerWithinMs,
        signal: bound.signal,
      });
    } finally {
      bound.dispose();
    }
    if (!result.ok) {
      const error = bound.timedOut() ? `the provider did not answer within ${config.answerWithinMs} ms` : result.error instanceof ProviderError ? result.error.message : 'internal error';
      return { kind: 'unreachable', error };
    }
    if (result.value.kind === 'not-found') return { kind: 'not-found' };
    const { status: providerStatus, statusDetails } = result.value.snapshot;
    const status: SessionStatus | undefined = normalizeStatus(providerStatus);
    if (!status) return { kind: 'unreachable', error: 'the provider answered an unknown status' };
    return TERMINAL_STATUSES.has(status) ? { kind: 'ended', status, providerStatus, statusDetails } : { kind: 'live', providerStatus, statusDetails };
  };

  const limiter = (budget: RateLimit | undefined) => (budget ? createRateLimiter(budget) : UNLIMITED);
  const budgets = config.rateLimit || undefined;
  const clientKey = (c: Context) => clientIpOf(c, config);
  // A refused heartbeat lets a present shopper's lease lapse, so a session's signals get room
  // for twice the heartbeats a window holds on top of the session budget.
  const beats = ({ windowMs }: RateLimit) => (config.leases ? Math.ceil(windowMs / config.leases.heartbeatMs) : 0);
  const withBeats = (budget: RateLimit | undefined) => budget && { ...budget, limit: budget.limit + 2 * beats(budget) };

  return {
    config,
    client,
    cancels,
    ledger,
    claims,
    rejections,
    log,
    audit,
    refused(kind, writeLine) {
      if (rejections.note(kind)) writeLine();
    },
    startCancel,
    abandonAll,
    readStatus,
    keepAlive(c, promise) {
      if (!config.waitUntil && noExecutionContext) return;
      try {
        if (config.waitUntil) config.waitUntil(promise);
        else c.executionCtx.waitUntil(promise);
      } catch {
        if (config.waitUntil) return; // the merchant's hook failed: the work goes on regardless
        // No execution context (Node, Bun, Deno): the process outlives the answer anyway. Hono
        // says so by throwing, which costs a stack trace per request: asked once per relay.
        noExecutionContext = true;
      }
    },
    isAllowedOrigin: (origin) => origin === undefined || config.allowedOrigins.has(origin),
    clientKey,
    limitByClientIp: (limit, route, refusal) => async (c, next) => {
      if (limit === UNLIMITED) return next();
      const ip = clientKey(c);
      const decision = ip === undefined ? ({ allowed: true } as const) : limit.take(ip);
      if (!decision.allowed) {
        if (rejections.note({ route, reason: 'too many requests from this address' })) {
          log({ type: 'bank-pay.rate-limited', time: new Date().toISOString(), route, client: ip });
        }
        return tooManyRequests(c, decision, refusal);
      }
      await next();
    },
    limiters: {
      cancelIp: limiter(budgets?.perClientIp),
      statusIp: limiter(budgets?.perClientIp),
      signalIp: limiter(budgets?.signalsPerClientIp),
      webhookRefusalsIp: limiter(budgets?.webhookRefusalsPerClientIp),
      sessionCancel: limiter(budgets?.perSession),
      sessionSignal: limiter(withBeats(budgets?.perSession)),
      sessionStatus: limiter(budgets?.perSession),
    },
  };
}
