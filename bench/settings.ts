/**
 * Every knob of the bench in one place, with the defaults `npm run bench` uses. Environment
 * variables override single figures; `--quick` shrinks everything for a smoke run, whose
 * results go to bench/out/ and never replace the committed ones.
 */
import type { DeliverySettings } from './delivery/delivery.js';
import { ABANDONMENT_KINDS, type AbandonmentKind } from './delivery/kinds.js';
import type { EngineSettings } from './engines/engines.js';
import type { FirstPaintSettings } from './first-paint/first-paint.js';
import type { LeaseCostSettings } from './lease-cost/lease-cost.js';
import type { RelayLoadSettings } from './relay-load/relay-load.js';
import type { ReliabilitySettings } from './relay-load/reliability.js';

export interface BenchSettings {
  readonly quick: boolean;
  /** The browser benchmarks' relay: its per-client-IP limit (every trial comes from one loopback address). */
  readonly browserRelayPerIpLimit: number;
  /**
   * The browser benchmarks' relay: its lease. Short, so a page that dies without a word is
   * cancelled within seconds rather than the default minute; the latencies scale with it.
   */
  readonly browserLeaseMs: number;
  readonly delivery: DeliverySettings;
  readonly firstPaint: FirstPaintSettings;
  readonly engines: EngineSettings;
  readonly relay: RelayLoadSettings;
  /** Optional in older results.json files, which had no reliability section. */
  readonly reliability?: ReliabilitySettings;
  readonly leaseCost: LeaseCostSettings;
}

/** How long past the lease a lapsed one may take to cancel: a sweep, the status read, the cancel call. */
export const LEASE_BOUND_MS = 2500;

/** BENCH_KINDS=rendererCrash,windowClose narrows the delivery section to some kinds (BENCH_DELIVERY_KINDS too). */
function kindsFrom(env: NodeJS.ProcessEnv): AbandonmentKind[] {
  const raw = env.BENCH_KINDS ?? env.BENCH_DELIVERY_KINDS;
  if (!raw) return [...ABANDONMENT_KINDS];
  const named = raw.split(',').map((kind) => kind.trim()).filter(Boolean);
  const unknown = named.filter((kind) => !(ABANDONMENT_KINDS as readonly string[]).includes(kind));
  if (unknown.length > 0) throw new Error(`BENCH_KINDS: unknown kind ${unknown.join(', ')} (kinds: ${ABANDONMENT_KINDS.join(', ')})`);
  return named as AbandonmentKind[];
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export function benchSettings(env: NodeJS.ProcessEnv, quick: boolean): BenchSettings {
  const pick = (name: string, full: number, small: number) => positiveInteger(env, name, quick ? small : full);
  const floodRequests = pick('BENCH_FLOOD_REQUESTS', 20_000, 2_000);
  const browserLeaseMs = positiveInteger(env, 'BENCH_LEASE_MS', 4000);
  return {
    quick,
    browserRelayPerIpLimit: 1_000_000,
    browserLeaseMs,
    delivery: {
      trials: pick('BENCH_TRIALS', 30, 2),
      kinds: kindsFrom(env),
      timing: { windowMs: 2000, quickWaitMs: 400, pollMs: 20 },
      settleMs: 1500,
      silentSettleMs: browserLeaseMs + LEASE_BOUND_MS + 1000,
      quiet: { trials: pick('BENCH_QUIET_TRIALS', 10, 1), holdMs: 300, variants: ['element'] },
    },
    firstPaint: { runs: pick('BENCH_FIRST_PAINT_RUNS', 20, 3) },
    engines: {
      trials: pick('BENCH_ENGINE_TRIALS', 20, 2),
      baselineTrials: pick('BENCH_ENGINE_BASELINE_TRIALS', 10, 1),
      windowMs: 2000,
      settleMs: browserLeaseMs + LEASE_BOUND_MS,
    },
    leaseCost: {
      pages: pick('BENCH_LEASE_PAGES', 5, 2),
      heartbeatWindowMs: pick('BENCH_LEASE_WINDOW_MS', 60_000, 20_000),
      sessions: pick('BENCH_LEASE_SESSIONS', 10_000, 1_000),
      steadyMs: pick('BENCH_LEASE_STEADY_MS', 60_000, 15_000),
      quietMs: quick ? 2000 : 5000,
    },
    reliability: { cancels: pick('BENCH_RELIABILITY_CANCELS', 50, 10), settleTimeoutMs: 20_000 },
    relay: {
      rounds: pick('BENCH_LOAD_ROUNDS', 7, 2),
      requestsPerRound: pick('BENCH_LOAD_REQUESTS', 2000, 300),
      connections: 10,
      warmupRequests: quick ? 100 : 1000,
      flood: {
        // Half a flood first: if memory grew with the flood, the full one would show it.
        requests: [Math.round(floodRequests / 2), floodRequests],
        connections: 400,
        providerLatencyMs: 1000,
        clientAddresses: 20,
        settleTimeoutMs: 15_000,
      },
    },
  };
}
