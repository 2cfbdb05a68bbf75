/**
 * Serving the relay on Node: listen, and on SIGTERM stop accepting, drain background cancel
 * retries within a bound, then exit. The relay itself (index.ts) stays runtime-neutral.
 */

import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { RelayApp } from './app.js';
import type { DrainReport } from './cancel-service.js';

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
}

export interface ServeRelayOptions {
  /** Default 8787; 0 picks a free port. */
  readonly port?: number;
  /** Default 0.0.0.0 (all interfaces). */
  readonly host?: string;
  /** Longest a shutdown waits for cancels still being retried. Default 10 s. */
  readonly drainTimeoutMs?: number;
  /** Install SIGTERM / SIGINT handlers that close, drain and exit the process. Default false. */
  readonly handleSignals?: boolean;
  /** The relay to drain on shutdown when `app` is your own app with the relay mounted in it. */
  readonly relay?: Pick<RelayApp, 'drain'>;
  /** Where shutdown lines go. Default one JSON line on stdout. */
  readonly log?: (line: Record<string, unknown>) => void;
}

export interface ServedRelay {
  /** `http://host:port`, with the real port when 0 was asked for. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections, drains background retries, resolves when both are done. */
  close(): Promise<DrainReport>;
}

export const DEFAULT_RELAY_PORT = 8787;
export const DEFAULT_RELAY_HOST = '0.0.0.0';
const ANSWER_GRACE_MS = 1000;

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function serveRelay(app: ServableApp, options: ServeRelayOptions = {}): Promise<ServedRelay> {
  const drainable = options.relay ?? app;
  const host = options.host ?? DEFAULT_RELAY_HOST;
  const log = options.log ?? ((line) => console.log(JSON.stringify(line)));
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;

  const server = await new Promise<Server>((resolve, reject) => {
    const listening = serve({ fetch: app.fetch, port: options.port ?? DEFAULT_RELAY_PORT, hostname: host }, () =>
      resolve(listening as Server),
    );
    listening.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<DrainReport> | undefined;
  const close = () => {
    closing ??= (async () => {
      // Stop accepting; requests already in flight still get their answer.
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const report = (await drainable.drain?.(drainTimeoutMs)) ?? { settled: 0, abandoned: 0 };
      // The drained work has settled, so open answers are moments away: close each keep-alive
      // connection as soon as its answer is out, and cut whatever is left after a grace.
      const sweep = setInterval(() => server.closeIdleConnections(), 25);
      const cut = setTimeout(() => server.closeAllConnections(), ANSWER_GRACE_MS);
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
        // A second signal means "now": skip the rest of the drain.
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

  return { url: `http://${urlHost(host)}:${port}`, port, close };
}
