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
import { cors } from 'hono/cors';
import type { DrainReport } from './cancel-service.js';
import { createRelayContext, type RelayContext } from './context.js';
import { json } from './http/answers.js';
import { leaseAuditLine } from './audit.js';
import { Sweeper } from './ledger/sweeper.js';
import { resolveRelayOptions, type RelayOptions } from './options.js';
import { cancelRoute } from './routes/cancel.js';
import { signalsRoute } from './routes/signals.js';
import { statusRoute } from './routes/status.js';
import { webhooksRoute } from './routes/webhooks.js';

export type RelayApp = Hono & {
  /**
   * Graceful shutdown: stops the sweeper, then waits up to `timeoutMs` (default 10 s) for the
   * cancels still being retried; the rest are stopped and logged as failed (abandoned).
   * Entries in a shared ledger stay there for another instance. Call it after the server
   * stops accepting.
   */
  drain(timeoutMs?: number): Promise<DrainReport>;
  /**
   * Registers a session in the lease ledger at creation, so it is cleaned up even if its page
   * never comes alive. Pass it to `createSession({track: relay.track})`. Never rejects: a
   * ledger that cannot be reached is logged, and the session is simply not tracked yet.
   */
  track(session: { readonly sessionId: string; readonly expiresAt: string | number }): Promise<void>;
  /** Runs one sweep now: for serverless platforms, call it from a scheduled job (a cron). */
  sweep(): Promise<void>;
};

const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

function createSweeper(ctx: RelayContext): Sweeper | undefined {
  const { ledger, config } = ctx;
  if (!ledger || !config.leases) return undefined;
  return new Sweeper({
    ledger,
    intervalMs: config.leases.sweepIntervalMs,
    readStatus: ctx.readStatus,
    cancel: (entry, rule) =>
      ctx.startCancel({ sessionId: entry.sessionId, reason: 'lease', origin: undefined, rule, receivedAt: Date.now() }, entry.tokenExpiresAt).audited,
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
  const corsForPages = cors({
    origin: (origin) => (config.allowedOrigins.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['Content-Type'],
    maxAge: 600,
  });
  for (const path of ['/cancel', '/signals', '/sessions/*']) app.use(`${base}${path}`, corsForPages);
  app.route(`${base}/cancel`, cancelRoute(ctx));
  app.route(`${base}/signals`, signalsRoute(ctx));
  app.route(`${base}/sessions`, statusRoute(ctx));
  app.route(`${base}/webhooks`, webhooksRoute(ctx));

  app.onError((error, c) => {
    // Only a bug gets here; the message is ours (no request data, no secrets).
    ctx.log({ type: 'bank-pay.error', time: new Date().toISOString(), error: error.message, path: c.req.path });
    return json(c, { error: 'internal error' }, 500);
  });

  async function drain(timeoutMs: number = DEFAULT_DRAIN_TIMEOUT_MS): Promise<DrainReport> {
    const started = Date.now();
    const leasesLeft = (await sweeper?.stop(timeoutMs)) ?? 0;
    const report = await ctx.cancels.drain(Math.max(0, timeoutMs - (Date.now() - started)));
    return leasesLeft > 0 ? { ...report, leasesLeft } : report;
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

  return Object.assign(app, { drain, track, sweep: async () => sweeper?.tick() });
}
