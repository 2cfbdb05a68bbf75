/**
 * Starts the whole demo system in one process: the provider sandbox, the merchant server
 * (relay + session creation) and the Vite dev server for the demo pages. `npm start` and the
 * end-to-end tests both use it, so the tests drive exactly what a person sees.
 */
import { createServer as createNetServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createServer as createViteServer, type ViteDevServer } from 'vite';
import { startSandbox } from '../src/sandbox/index.js';
import type { SandboxCoop, SandboxFraming } from '../src/sandbox/options.js';
import { createMerchantApp } from './merchant-app.js';
import { freePort, isPortTaken } from './free-port.js';

export { freePort } from './free-port.js';

export interface StackOptions {
  readonly sandboxPort?: number;
  readonly merchantPort?: number;
  readonly demoPort?: number;
  /** A real provider instead of the sandbox; credentials from clientId / clientSecret. */
  readonly providerUrl?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly tokenKeys?: readonly string[];
  readonly webhookSecret?: string;
  /** Provider session lifetime (sandbox onboarding timeout); default 15 minutes. */
  readonly sessionTimeoutMs?: number;
  /** The sandbox's hosted page refuses every frame (`deny`), for the element's popup mode. */
  readonly sandboxFraming?: SandboxFraming;
  /** A Cross-Origin-Opener-Policy the sandbox's hosted page sends. */
  readonly sandboxCoop?: SandboxCoop;
  /**
   * The relay's lease (`BPS_LEASE_SECONDS` for `npm start`): how long a visible page's
   * heartbeat holds its session. Default: the relay's own (a minute).
   */
  readonly leaseMs?: number;
  /**
   * Reload the demo pages when a source file changes (default true). Tests turn it off: a
   * reload is a page unload, which rightly cancels the session under test.
   */
  readonly watch?: boolean;
  /** Quiet mode for tests: no Vite banner, no relay audit lines on stdout. */
  readonly quiet?: boolean;
  readonly log?: (line: Record<string, unknown>) => void;
}

export interface RunningStack {
  readonly demoUrl: string;
  readonly merchantUrl: string;
  /** The sandbox's URL, or undefined when a real provider is used. */
  readonly sandboxUrl: string | undefined;
  readonly providerUrl: string;
  close(): Promise<void>;
}

export class PortInUseError extends Error {}

async function assertPortFree(port: number, role: string, envName: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(`Port ${port} (${role}) is already in use. Stop what uses it, or choose another port with ${envName}=<port>.`)
          : error,
      );
    });
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve()));
  });
}

/**
 * The stack on three fresh free ports. A port can still be taken between the probe and the listen
 * by another suite running beside this one; then the whole stack starts again on new ports.
 */
export async function startStackOnFreePorts(options: Omit<StackOptions, 'sandboxPort' | 'merchantPort' | 'demoPort'> = {}): Promise<RunningStack> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startStack({ ...options, sandboxPort: await freePort(), merchantPort: await freePort(), demoPort: await freePort() });
    } catch (error) {
      if (attempt >= 5 || !(error instanceof PortInUseError || isPortTaken(error))) throw error;
    }
  }
}

export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const sandboxPort = options.sandboxPort ?? 4010;
  const merchantPort = options.merchantPort ?? 8787;
  const demoPort = options.demoPort ?? 5173;
  const useSandbox = !options.providerUrl;

  if (useSandbox) await assertPortFree(sandboxPort, 'provider sandbox', 'BPS_SANDBOX_PORT');
  await assertPortFree(merchantPort, 'merchant server', 'BPS_MERCHANT_PORT');
  await assertPortFree(demoPort, 'demo pages', 'BPS_DEMO_PORT');

  const demoOrigins = [`http://localhost:${demoPort}`, `http://127.0.0.1:${demoPort}`];
  const webhookSecret = options.webhookSecret ?? randomBytes(32).toString('hex');
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };

  try {
    let providerUrl = options.providerUrl ?? '';
    let clientId = options.clientId ?? 'sandbox-client';
    let clientSecret = options.clientSecret ?? 'sandbox-secret';
    let sandboxUrl: string | undefined;
    if (useSandbox) {
      const sandbox = await startSandbox({
        port: sandboxPort,
        host: '127.0.0.1',
        clients: [{ clientId, clientSecret }],
        allowedOrigins: demoOrigins,
        webhookUrl: `http://127.0.0.1:${merchantPort}/bank-pay/webhooks`,
        webhookSecret,
        ...(options.sessionTimeoutMs ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
        framing: options.sandboxFraming,
        coop: options.sandboxCoop,
      });
      closers.push(() => sandbox.close());
      sandboxUrl = sandbox.url;
      providerUrl = sandbox.url;
    } else if (!options.clientId || !options.clientSecret) {
      throw new Error('A real provider needs BPS_CLIENT_ID and BPS_CLIENT_SECRET as well as BPS_PROVIDER_URL.');
    }

    const log = options.log ?? (options.quiet ? () => undefined : (line: Record<string, unknown>) => console.log(JSON.stringify(line)));
    const { app, relay } = createMerchantApp({
      relay: {
        provider: { url: providerUrl, clientId, clientSecret },
        tokenKeys: [...(options.tokenKeys ?? [randomBytes(32).toString('base64url')])],
        allowedOrigins: demoOrigins,
        webhookSecret,
        log,
        onStatusChange: (event) => log({ at: new Date().toISOString(), event: 'webhook', ...event }),
        ...(options.leaseMs ? { leases: { leaseMs: options.leaseMs } } : {}),
      },
      ...(options.sessionTimeoutMs ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
    });
    const merchant = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const server = serve({ fetch: app.fetch, port: merchantPort, hostname: '127.0.0.1' }, () => resolve(server));
    });
    closers.push(async () => {
      await relay.drain(2000);
      await new Promise<void>((resolve) => merchant.close(() => resolve()));
    });

    const vite: ViteDevServer = await createViteServer({
      configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
      root: fileURLToPath(new URL('..', import.meta.url)),
      logLevel: options.quiet ? 'error' : 'info',
      clearScreen: false,
      // Vue's compile-time feature flags (the Vue demo warns without them); the values are Vue's defaults.
      define: { __VUE_OPTIONS_API__: 'true', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
      server: {
        port: demoPort,
        strictPort: true,
        host: '127.0.0.1',
        ...(options.watch === false ? { hmr: false, watch: null } : {}),
        proxy: {
          '/bank-pay': `http://127.0.0.1:${merchantPort}`,
          '/merchant': `http://127.0.0.1:${merchantPort}`,
        },
      },
    });
    await vite.listen();
    closers.push(() => vite.close());

    return {
      demoUrl: `http://localhost:${demoPort}/`,
      merchantUrl: `http://127.0.0.1:${merchantPort}`,
      sandboxUrl,
      providerUrl,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
