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
 * BENCH_PAGE_ORIGINS (comma-separated), BENCH_RELAY_PER_IP_LIMIT.
 */
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { createMerchantApp } from '../../demo/merchant-app.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { announceFailure, announceReady } from '../lib/child.js';

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
  const webhookSecret = randomBytes(32).toString('hex');
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
      log: () => undefined,
      rateLimit: { perClientIp: { limit: perClientIpLimit, windowMs: 60_000 } },
    },
  });
  const merchant = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const server = serve({ fetch: app.fetch, port: merchantPort, hostname: '127.0.0.1' }, () => resolve(server));
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
