/**
 * Serving the relay on Node: listen with server limits that keep a slow or idle flood from
 * taking descriptors from shoppers, and on SIGTERM stop accepting, drain background cancel
 * retries within a bound that fits a container runtime's stop timeout, then exit. A second
 * signal ends the drain at once, after writing what was left. The relay itself (index.ts)
 * stays runtime-neutral.
 */

import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { DEFAULT_DRAIN_TIMEOUT_MS, type RelayApp } from './app.js';
import type { DrainReport } from './cancel-service.js';
import { guardConnections, type ConnectionCounts } from './connection-guard.js';
import { RelayConfigError } from './options.js';

/**
 * The relay's fetch handler as a Node `(req, res)` listener, to mount it in Express, Fastify or
 * `http.createServer`: `getRequestListener(relay.fetch)`. Re-exported so a merchant's server
 * needs no direct dependency on @hono/node-server (a strict pnpm install would not resolve one).
 */
export { getRequestListener } from '@hono/node-server';

/** Anything with a fetch handler: the relay itself, or your own Hono app with the relay mounted. */
export interface ServableApp {
  readonly fetch: Parameters<typeof serve>[0]['fetch'];
  readonly drain?: RelayApp['drain'];
  readonly abandon?: RelayApp['abandon'];
  readonly isTrustedProxy?: RelayApp['isTrustedProxy'];
  readonly start?: RelayApp['start'];
}

export interface ServeRelayOptions {
  /** Default 8787; 0 picks a free port. */
  readonly port?: number;
  /** Default 0.0.0.0 (all interfaces). */
  readonly host?: string;
  /**
   * Longest a shutdown takes, from the signal to the exit: the drain of cancels still being
   * retried and the last answers. Default 8 s, inside docker's 10 s (and Kubernetes' 30 s)
   * stop grace; keep it below your runtime's, which kills the process when it runs out.
   */
  readonly drainTimeoutMs?: number;
  /** Install SIGTERM / SIGINT handlers that close, drain and exit the process. Default false. */
  readonly handleSignals?: boolean;
  /** The relay to drain on shutdown when `app` is your own app with the relay mounted in it. */
  readonly relay?: Pick<RelayApp, 'drain'> & Partial<Pick<RelayApp, 'abandon' | 'isTrustedProxy' | 'start'>>;
  /** Where shutdown lines go. Default one JSON line on stdout. */
  readonly log?: (line: Record<string, unknown>) => void;
  /** Longest a client may take to send a request's headers. Default 10 000. */
  readonly headersTimeoutMs?: number;
  /** Longest a client may take to send a whole request (headers and body). Default 15 000. */
  readonly requestTimeoutMs?: number;
  /**
   * How long an idle keep-alive connection stays open. Default 5000. Behind a load balancer
   * that reuses connections, set it above the balancer's own idle timeout.
   */
  readonly keepAliveTimeoutMs?: number;
  /**
   * Open connections at most; `false`: no cap. Default three quarters of the process's
   * file-descriptor limit, leaving the rest for the relay's own calls to the provider (and Redis).
   */
  readonly maxConnections?: number | false;
  /**
   * Open connections per client address at most; `false`: no cap. Default 64. Never applied
   * to the proxies `trustProxy` names (all of them carry many shoppers).
   */
  readonly maxConnectionsPerAddress?: number | false;
}

export interface ServedRelay {
  /** `http://host:port`, with the real port when 0 was asked for. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections, drains background retries, resolves when both are done. */
  close(): Promise<DrainReport>;
  /** Open connections and how many the caps closed or refused. */
  connections(): ConnectionCounts;
}

export const DEFAULT_RELAY_PORT = 8787;
export const DEFAULT_RELAY_HOST = '0.0.0.0';
export const SERVER_DEFAULTS = {
  drainTimeoutMs: DEFAULT_DRAIN_TIMEOUT_MS,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5000,
  maxConnectionsPerAddress: 64,
} as const;
/** Part of the drain bound kept for answers still going out after the drained work settled. */
const ANSWER_GRACE_MS = 1000;

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** The soft limit on open files (Linux), or undefined where it cannot be read. */
export function descriptorLimit(): number | undefined {
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return line && line[1] !== 'unlimited' ? Number(line[1]) : undefined;
  } catch {
    return undefined;
  }
}

interface ResolvedServeOptions {
  readonly drainTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number | undefined;
  readonly maxConnectionsPerAddress: number | undefined;
}

/** Every server limit with its default, checked; throws RelayConfigError naming each problem. */
export function resolveServeOptions(options: ServeRelayOptions): ResolvedServeOptions {
  const problems: string[] = [];
  const ms = (name: keyof typeof SERVER_DEFAULTS, min: number) => {
    const value = options[name] ?? SERVER_DEFAULTS[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) problems.push(`${name} must be a whole number of at least ${min}`);
    return value as number;
  };
  const cap = (value: number | false | undefined, fallback: number | undefined, name: string) => {
    if (value === false) return undefined;
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < 1) problems.push(`${name} must be a positive whole number, or false for no cap`);
    return value;
  };
  const resolved = {
    drainTimeoutMs: ms('drainTimeoutMs', 0),
    headersTimeoutMs: ms('headersTimeoutMs', 100),
    requestTimeoutMs: ms('requestTimeoutMs', 100),
    keepAliveTimeoutMs: ms('keepAliveTimeoutMs', 1),
    maxConnections: cap(options.maxConnections, defaultMaxConnections(), 'maxConnections'),
    maxConnectionsPerAddress: cap(options.maxConnectionsPerAddress, SERVER_DEFAULTS.maxConnectionsPerAddress, 'maxConnectionsPerAddress'),
  };
  if (resolved.headersTimeoutMs > resolved.requestTimeoutMs) problems.push('headersTimeoutMs must not be longer than requestTimeoutMs');
  if (problems.length > 0) throw new RelayConfigError(problems);
  return resolved;
}

function defaultMaxConnections(): number | undefined {
  const limit = descriptorLimit();
  return limit === undefined ? undefined : Math.max(16, Math.floor((limit * 3) / 4));
}

export async function serveRelay(app: ServableApp, options: ServeRelayOptions = {}): Promise<ServedRelay> {
  const drainable = options.relay ?? app;
  const host = options.host ?? DEFAULT_RELAY_HOST;
  const log = options.log ?? ((line) => console.log(JSON.stringify(line)));
  const limits = resolveServeOptions(options);
  const { drainTimeoutMs } = limits;

  const server = await new Promise<Server>((resolve, reject) => {
    const listening = serve(
      {
        fetch: app.fetch,
        port: options.port ?? DEFAULT_RELAY_PORT,
        hostname: host,
        serverOptions: {
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          keepAliveTimeout: limits.keepAliveTimeoutMs,
          // How often Node enforces the two timeouts above (its default, 30 s, lets a slow request overstay by that much).
          connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
        },
      },
      () => resolve(listening as Server),
    );
    listening.once('error', reject);
  });
  const isTrusted = drainable.isTrustedProxy ?? app.isTrustedProxy;
  const connections = guardConnections(server, {
    maxConnections: limits.maxConnections,
    maxConnectionsPerAddress: limits.maxConnectionsPerAddress,
    exempt: (address) => isTrusted?.(address) ?? false,
  });
  const port = (server.address() as AddressInfo).port;
  // The sweeper runs from the start: an idle instance still finishes what a dead one left.
  (drainable.start ?? app.start)?.();

  let closing: Promise<DrainReport> | undefined;
  const close = () => {
    closing ??= (async () => {
      // Stop accepting; requests already in flight still get their answer.
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = Math.min(ANSWER_GRACE_MS, drainTimeoutMs / 8);
      const report = (await drainable.drain?.(drainTimeoutMs - grace)) ?? { settled: 0, abandoned: 0 };
      // The drained work has settled, so open answers are moments away: close each keep-alive
      // connection as soon as its answer is out, and cut whatever is left after a grace.
      const sweep = setInterval(() => server.closeIdleConnections(), 25);
      const cut = setTimeout(() => server.closeAllConnections(), grace);
      await stopped;
      clearInterval(sweep);
      clearTimeout(cut);
      return report;
    })();
    return closing;
  };

  if (options.handleSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      if (closing) {
        // A second signal means "now": what is left is written (synchronously) before the exit.
        const abandoned = (drainable.abandon ?? app.abandon)?.() ?? 0;
        log({ type: 'bank-pay.stopped', time: new Date().toISOString(), signal, forced: true, abandoned });
        process.exit(1);
      }
      log({ type: 'bank-pay.shutdown', time: new Date().toISOString(), signal, drainTimeoutMs });
      void close().then((report) => {
        log({ type: 'bank-pay.stopped', time: new Date().toISOString(), ...report });
        process.exit(0);
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  return { url: `http://${urlHost(host)}:${port}`, port, close, connections };
}
