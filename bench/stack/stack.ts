/**
 * The parent's handle on the browser benchmarks' servers: the backend (sandbox + merchant
 * server) and the page server, each in its own process.
 */
import { fileURLToPath } from 'node:url';
import { freePort } from '../../demo/free-port.js';
import type { RunningStack } from '../../demo/stack.js';
import { forkServer } from '../lib/child.js';
import type { BackendReady } from './backend-process.js';
import type { PagesReady } from './pages-process.js';

const entry = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** Shaped like demo/stack.ts's RunningStack, so the e2e helpers (sandboxSession, …) take it. */
export interface BenchStack extends RunningStack {
  /** What sent each session's first cancel, from the relay's audit lines (`page-unload`, `page-gone`, `lease`, ...). */
  cancelCauses(sessionIds: readonly string[]): Promise<Record<string, string>>;
  /** How many `POST …/signals` requests (heartbeats and the other lease signals) the relay has received. */
  signalRequests(): Promise<number>;
}

/** `leaseMs`: the relay's lease; undefined: its default (a minute). */
export async function startBenchStack(perClientIpLimit: number, leaseMs?: number): Promise<BenchStack> {
  const [sandboxPort, merchantPort, pagesPort] = [await freePort(), await freePort(), await freePort()];
  const backend = await forkServer<BackendReady>(entry('./backend-process.ts'), {
    execArgv: ['--import', 'tsx'],
    env: {
      BENCH_SANDBOX_PORT: String(sandboxPort),
      BENCH_MERCHANT_PORT: String(merchantPort),
      BENCH_PAGE_ORIGINS: `http://localhost:${pagesPort},http://127.0.0.1:${pagesPort}`,
      BENCH_RELAY_PER_IP_LIMIT: String(perClientIpLimit),
      ...(leaseMs ? { BENCH_LEASE_MS: String(leaseMs) } : {}),
    },
  });
  try {
    const pages = await forkServer<PagesReady>(entry('./pages-process.ts'), {
      execArgv: ['--import', 'tsx'],
      env: { BENCH_PAGES_PORT: String(pagesPort), BENCH_MERCHANT_PORT: String(merchantPort) },
      readyTimeoutMs: 60_000,
    });
    const { merchantUrl, sandboxUrl } = backend.ready;
    return {
      demoUrl: pages.ready.demoUrl,
      merchantUrl,
      sandboxUrl,
      providerUrl: sandboxUrl,
      cancelCauses: (sessionIds) => backend.request<Record<string, string>>({ type: 'cancel-causes', sessionIds }),
      signalRequests: () => backend.request<number>({ type: 'signal-requests' }),
      close: async () => {
        await pages.stop();
        await backend.stop();
      },
    };
  } catch (error) {
    await backend.stop();
    throw error;
  }
}
