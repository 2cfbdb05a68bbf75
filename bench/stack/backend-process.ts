/**
 * Child process: the merchant backend and the provider for the browser benchmarks, built as
 * `npm start` builds them (demo/stack.ts): the sandbox, and the demo merchant server (the
 * relay at /bank-pay/*, POST /merchant/sessions).
 *
 * Why not startStack itself:
 * - every trial reaches the relay from one loopback address, so its per-client-IP limit (120
 *   a minute, a flood guard for one shopper's address) would refuse the bench's own traffic
 *   within a minute; startStack has no option for the relay's limits;
 * - startStack runs the dev server in the relay's process, so a reload's dozens of module
 *   requests would queue in front of the cancel it is measuring. Here the pages are served
 *   by another process (pages-process.ts).
 *
 * Ports and the page origins come from the parent: BENCH_SANDBOX_PORT, BENCH_MERCHANT_PORT,
 * BENCH_PAGE_ORIGINS (comma-separated), BENCH_RELAY_PER_IP_LIMIT, BENCH_LEASE_MS (the
 * relay's lease; unset: its default).
 *
 * The parent may ask (IPC) what sent each session's first cancel (`cancel-causes`, from the
 * relay's audit lines) and how many lease signals the relay received (`signal-requests`).
 */
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { createMerchantApp } from '../../demo/merchant-app.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { announceFailure, announceReady, serveParentRequests } from '../lib/child.js';
import { CANCEL_AUDIT_TYPE } from '../../src/relay/audit.js';

export interface BackendReady {
  readonly merchantUrl: string;
  readonly sandboxUrl: string;
}

function portFromEnv(name: string): number {
  const port = Number(process.env[name]);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`${name} must be a port number`);
  return port;
}

async function start(): Promise<{ ready: BackendReady; close: () => Promise<void> }> {
  const sandboxPort = portFromEnv('BENCH_SANDBOX_PORT');
  const merchantPort = portFromEnv('BENCH_MERCHANT_PORT');
  const pageOrigins = (process.env.BENCH_PAGE_ORIGINS ?? '').split(',').filter(Boolean);
  const perClientIpLimit = Number(process.env.BENCH_RELAY_PER_IP_LIMIT ?? 100_000);
  const leaseMs = Number(process.env.BENCH_LEASE_MS ?? 0);
  const webhookSecret = randomBytes(32).toString('hex');
  /** The first cancel audit line's reason, per session. */
  const causes = new Map<string, string>();
  const clientId = 'sandbox-client';
  const clientSecret = 'sandbox-secret';

  const sandbox = await startSandbox({
    port: sandboxPort,
    host: '127.0.0.1',
    clients: [{ clientId, clientSecret }],
    allowedOrigins: pageOrigins,
    webhookUrl: `http://127.0.0.1:${merchantPort}/bank-pay/webhooks`,
    webhookSecret,
  });
  const { app, relay } = createMerchantApp({
    relay: {
      provider: { url: sandbox.url, clientId, clientSecret },
      tokenKeys: [randomBytes(32).toString('base64url')],
      allowedOrigins: pageOrigins,
      webhookSecret,
      log: (line) => {
        if (line.type === CANCEL_AUDIT_TYPE && typeof line.sessionId === 'string' && !causes.has(line.sessionId)) causes.set(line.sessionId, String(line.reason));
      },
      rateLimit: { perClientIp: { limit: perClientIpLimit, windowMs: 60_000 } },
      ...(leaseMs > 0 ? { leases: { leaseMs } } : {}),
    },
  });
  let signalRequests = 0;
  const counted: typeof app.fetch = (request, ...rest) => {
    if (request.method === 'POST' && new URL(request.url).pathname.endsWith('/signals')) signalRequests++;
    return app.fetch(request, ...rest);
  };
  serveParentRequests((message) => {
    if (message.type === 'signal-requests') return signalRequests;
    if (message.type === 'cancel-causes') return Object.fromEntries((message.sessionIds as string[]).flatMap((id) => (causes.has(id) ? [[id, causes.get(id)]] : [])));
    throw new Error(`unknown request ${String(message.type)}`);
  });
  const merchant = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const server = serve({ fetch: counted, port: merchantPort, hostname: '127.0.0.1' }, () => resolve(server));
  });
  return {
    ready: { merchantUrl: `http://127.0.0.1:${merchantPort}`, sandboxUrl: sandbox.url },
    close: async () => {
      await relay.drain(2000).catch(() => undefined);
      await new Promise<void>((resolve) => merchant.close(() => resolve()));
      await sandbox.close();
    },
  };
}

try {
  const backend = await start();
  const stop = () => void backend.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  announceReady(backend.ready);
} catch (error) {
  announceFailure(error);
  process.exit(1);
}
