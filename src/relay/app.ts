/**
 * `createRelay`: the merchant relay as one Hono app (a Web-standard fetch handler).
 *
 *   POST {basePath}/cancel                      the page's cancel (routes/cancel.ts)
 *   POST {basePath}/signals                     heartbeats and other lease signals (routes/signals.ts)
 *   GET  {basePath}/sessions/:id/status?token=  the provider status (routes/status.ts)
 *   POST {basePath}/webhooks                    the provider's signed status changes (routes/webhooks.ts)
 *
 * Plus the lease ledger's sweeper, which cancels a session whose page went silent.
 */

import { Hono } from 'hono';
import type { DrainReport } from './cancel-service.js';
import { createRelayContext, type RelayContext } from './context.js';
import { json } from './http/answers.js';
import { leaseAuditLine } from './audit.js';
import { isTrustedProxy } from './http/client-ip.js';
import { corsForPages } from './http/cors.js';
import { Sweeper } from './ledger/sweeper.js';
import { resolveRelayOptions, type RelayOptions } from './options.js';
import { sleep } from './retry.js';
import { cancelRoute } from './routes/cancel.js';
import { signalsRoute } from './routes/signals.js';
import { statusRoute } from './routes/status.js';
import { webhooksRoute } from './routes/webhooks.js';

export type RelayApp = Hono & {
  /**
   * Graceful shutdown: stops the sweeper, then waits up to `timeoutMs` (default 8 s, inside a
   * container runtime's usual 10 s stop timeout) for the cancels still being retried; the rest
   * are stopped and logged as failed (abandoned), and their claims in a shared ledger handed
   * back at once for another instance to finish. Call it after the server stops accepting.
   */
  drain(timeoutMs?: number): Promise<DrainReport>;
  /**
   * Shutdown that cannot wait (a second signal): stops every cancel in flight and writes each
   * one's outcome line (failed, abandoned) before it returns, synchronously, along with the
   * pending rejection counts. Claims in a shared ledger lapse on their own for another
   * instance. Returns how many cancels were cut off.
   */
  abandon(): number;
  /** Whether a connection from `address` is one of the proxies `trustProxy` names (all, when trust is by hops). */
  isTrustedProxy(address: string): boolean;
  /**
   * Registers a session in the lease ledger at creation, so it is cleaned up even if its page
   * never comes alive. Pass it to `createSession({track: relay.track})`. Never rejects: a
   * ledger that cannot be reached is logged, and the session is simply not tracked yet.
   */
  track(session: { readonly sessionId: string; readonly expiresAt: string | number }): Promise<void>;
  /**
   * Runs one sweep now: for serverless platforms, call it from a scheduled job (a cron). Such a
   * sweep counts silence from the start (only a failure of the store here holds it off for a
   * lease), since the instance it runs in did not serve the signals itself.
   */
  sweep(): Promise<void>;
  /**
   * Starts the sweeper now rather than at the first request, so an instance that gets no
   * traffic still finishes the cancels a dead instance left in a shared ledger. serveRelay
   * calls it; on runtimes that forbid timers at start-up, leave it to the first request.
   */
  start(): void;
};

/** Inside docker's and Kubernetes' default stop grace (10 s and 30 s), with room for the last answers. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 8000;

function createSweeper(ctx: RelayContext): Sweeper | undefined {
  const { ledger, config } = ctx;
  if (!ledger || !config.leases) return undefined;
  return new Sweeper({
    ledger,
    claims: ctx.claims!,
    intervalMs: config.leases.sweepIntervalMs,
    readStatus: ctx.readStatus,
    cancel: (entry) =>
      ctx.startCancel(
        { sessionId: entry.sessionId, reason: 'lease', origin: undefined, rule: entry.rule, receivedAt: Date.now(), ...(entry.rule === 'confirm' ? { takenOver: true } : {}) },
        entry.tokenExpiresAt,
        entry.claimId,
      ).audited,
    report: (line) => ctx.log(leaseAuditLine(line, new Date())),
  });
}

export function createRelay(options: RelayOptions): RelayApp {
  const ctx = createRelayContext(resolveRelayOptions(options));
  const { config } = ctx;
  const sweeper = createSweeper(ctx);

  const app = new Hono();
  const base = config.basePath;
  // Started now where the runtime allows (an instance with no traffic must still act on what a
  // dead one left); by the first request where timers are refused at start-up (Workers).
  try {
    sweeper?.start();
  } catch {
    // started below
  }
  app.use('*', async (_c, next) => {
    sweeper?.start();
    await next();
  });
  const cors = corsForPages(config.allowedOrigins);
  for (const path of ['/cancel', '/signals', '/sessions/*']) app.use(`${base}${path}`, cors);
  app.route(`${base}/cancel`, cancelRoute(ctx));
  app.route(`${base}/signals`, signalsRoute(ctx));
  app.route(`${base}/sessions`, statusRoute(ctx));
  app.route(`${base}/webhooks`, webhooksRoute(ctx));

  app.notFound((c) => json(c, { error: 'nothing is served at this path' }, 404));
  app.onError((error, c) => {
    // Only a bug gets here; the message is ours (no request data, no secrets).
    ctx.log({ type: 'bank-pay.error', time: new Date().toISOString(), error: error.message, path: c.req.path });
    return json(c, { error: 'internal error' }, 500);
  });

  async function drain(timeoutMs: number = DEFAULT_DRAIN_TIMEOUT_MS): Promise<DrainReport> {
    // The end of the bound is kept for handing the abandoned cancels' claims back to a shared
    // ledger, so another instance can finish them at once rather than when the claims lapse.
    const handoffMs = ctx.ledger?.store.shared && config.leases ? Math.min(config.leases.storeTimeoutMs, timeoutMs / 2) : 0;
    const workMs = timeoutMs - handoffMs;
    const [leasesLeft, report] = await Promise.all([sweeper?.stop(workMs) ?? 0, ctx.cancels.drain(workMs)]);
    if (ctx.claims) {
      const bound = new AbortController();
      await Promise.race([ctx.claims.idle(), sleep(handoffMs, bound.signal)]);
      bound.abort();
    }
    ctx.rejections.close();
    return leasesLeft > 0 ? { ...report, leasesLeft } : report;
  }

  function abandon(): number {
    sweeper?.halt();
    return ctx.abandonAll();
  }

  async function track({ sessionId, expiresAt }: { readonly sessionId: string; readonly expiresAt: string | number }): Promise<void> {
    if (!ctx.ledger) return;
    const tokenExpiresAt = typeof expiresAt === 'number' ? expiresAt : Date.parse(expiresAt);
    try {
      await ctx.ledger.apply(sessionId, { type: 'register', tokenExpiresAt });
      sweeper?.start();
    } catch (error) {
      ctx.log({ type: 'bank-pay.ledger', time: new Date().toISOString(), operation: 'register', sessionId, error: error instanceof Error ? error.message : 'unknown error' });
    }
  }

  return Object.assign(app, {
    drain,
    abandon,
    track,
    sweep: async () => sweeper?.tick(true),
    start: () => sweeper?.start(),
    isTrustedProxy: (address: string) => isTrustedProxy(config.trustProxy, address),
  });
}

