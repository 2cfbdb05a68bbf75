/**
 * Measures, per engine and per way of leaving, the share of abandoned sessions that reach
 * provider Cancelled and how long after the leaving action they got there. Not a test (it
 * takes minutes and asserts nothing): the figures behind the README's per-engine table.
 *
 *   node --import tsx test/e2e/engines/measure-delivery.ts [--trials 20] [--engines firefox,webkit] [--ways close-as-user,close-by-driver]
 *
 * Default preferences throughout (never `dom.ipc.keepProcessesAlive.*`). Writes the table to
 * stdout and the raw trials to test-results/delivery-<engine>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { RunningStack } from '../../../demo/stack.js';
import { engineStatus, type EngineName } from '../../support/engines.mjs';
import { isCancelled, relayLog, startE2EStack, waitForCancelled } from '../support.js';
import { launchFirefox } from './firefox.js';
import type { EngineDriver, EngineTab } from './harness.js';
import { launchWebKit } from './webkit.js';

interface Way {
  readonly label: string;
  readonly popup?: boolean;
  readonly possible: (engine: EngineDriver) => boolean;
  readonly leave: (tab: EngineTab, stack: RunningStack) => Promise<void>;
}

const WAYS: Record<string, Way> = {
  'close-as-user': {
    label: 'tab closed as a person does (beforeunload, pagehide)',
    possible: (engine) => engine.capabilities.userTabClose,
    leave: (tab) => tab.closeAsUser(),
  },
  'close-itself': {
    label: 'page closes itself (window.close())',
    popup: true,
    possible: () => true,
    leave: (tab) => tab.closeItself(),
  },
  'close-by-driver': {
    label: 'window closed by the driver (pagehide only)',
    possible: () => true,
    leave: (tab) => tab.closeByDriver(),
  },
  navigate: {
    label: 'navigation to another site',
    possible: () => true,
    leave: (tab, stack) => tab.goto(new URL('/demo/elsewhere.html', stack.demoUrl.replace('localhost', '127.0.0.1')).toString()),
  },
  reload: {
    label: 'reload',
    possible: () => true,
    leave: (tab) => tab.reload(),
  },
};

const LAUNCH: Record<Exclude<EngineName, 'chromium'>, () => Promise<EngineDriver>> = { firefox: launchFirefox, webkit: launchWebKit };

export interface Trial {
  readonly delivered: boolean;
  /** From the start of the leaving action to the provider's cancel, when delivered. */
  readonly latencyMs?: number;
  /** What the relay received and did for this session (its audit lines' type, phase, outcome), to explain a loss. */
  readonly relay: readonly string[];
}

/** The relay's audit lines for one session, as `type/phase/outcome` words. */
function relayTrace(sessionId: string): string[] {
  return relayLog
    .filter((line) => line.sessionId === sessionId && typeof line.type === 'string')
    .map((line) => [line.type, line.phase, line.outcome].filter(Boolean).join('/'));
}

export interface WaySummary {
  readonly trials: number;
  readonly delivered: number;
  readonly share: number;
  readonly medianMs?: number;
  readonly maxMs?: number;
  /** Delivered by the relay at the end of an intent's grace: the confirm (pagehide) was lost or never sent. */
  readonly viaGrace: number;
}

const GRACE_CANCEL = 'bank-pay.cancel/intent/cancelled';

/** Delivery share and latency figures of a set of trials. */
export function summarize(trials: readonly Trial[]): WaySummary {
  const latencies = trials.flatMap((t) => (t.delivered && t.latencyMs !== undefined ? [t.latencyMs] : [])).sort((a, b) => a - b);
  const delivered = trials.filter((t) => t.delivered).length;
  return {
    trials: trials.length,
    delivered,
    share: trials.length ? delivered / trials.length : 0,
    viaGrace: trials.filter((t) => t.delivered && t.relay.includes(GRACE_CANCEL)).length,
    ...(latencies.length ? { medianMs: latencies[Math.floor((latencies.length - 1) / 2)], maxMs: latencies.at(-1) } : {}),
  };
}

/**
 * The relay's per-address rate limit counts every request of the demo page (its status panel
 * polls each second) and answers 429 without an audit line: a loss while it refuses is the
 * test's, not the engine's. Asked from this process, which shares the browser's address.
 */
async function rateLimitedNow(stack: RunningStack): Promise<boolean> {
  const response = await fetch(new URL('/bank-pay/sessions/00000000-0000-4000-8000-000000000000/status?token=probe', stack.demoUrl));
  return response.status === 429;
}

const RATE_LIMITED = 'relay answering 429 (rate limit)';

/** A trial lost to the rate limit says nothing about the engine: wait it out, then run it again. */
async function trialOutsideRateLimit(engine: EngineDriver, stack: RunningStack, way: Way, waitMs: number, excluded: Trial[]): Promise<Trial> {
  for (;;) {
    const result = await trial(engine, stack, way, waitMs);
    if (!result.relay.includes(RATE_LIMITED)) return result;
    excluded.push(result);
    while (await rateLimitedNow(stack)) await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function trial(engine: EngineDriver, stack: RunningStack, way: Way, waitMs: number): Promise<Trial> {
  const tab = await engine.openCheckout(stack, { popup: way.popup ?? false });
  try {
    const started = Date.now();
    await way.leave(tab, stack);
    const record = await waitForCancelled(stack, tab.sessionId, waitMs);
    const relay = relayTrace(tab.sessionId);
    if (!isCancelled(record.session.status)) return { delivered: false, relay: [...relay, ...((await rateLimitedNow(stack)) ? [RATE_LIMITED] : [])] };
    const cancelledAt = record.history.find((entry) => entry.type === 'cancel')?.at;
    return { delivered: true, relay, ...(cancelledAt ? { latencyMs: Date.parse(cancelledAt) - started } : {}) };
  } finally {
    await tab.dispose();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      trials: { type: 'string', default: '20' },
      engines: { type: 'string', default: 'firefox,webkit' },
      ways: { type: 'string', default: Object.keys(WAYS).join(',') },
      'wait-ms': { type: 'string', default: '5000' },
    },
  });
  const trials = Number(values.trials);
  const waitMs = Number(values['wait-ms']);
  const engines = values.engines.split(',') as Array<keyof typeof LAUNCH>;
  const ways = values.ways.split(',');
  for (const name of [...engines, ...ways]) {
    if (!(name in LAUNCH) && !(name in WAYS)) throw new Error(`unknown engine or way: ${name}`);
  }
  mkdirSync('test-results', { recursive: true });
  const stack = await startE2EStack();
  try {
    for (const name of engines) {
      const status = engineStatus(name);
      if (!status.available) {
        console.log(status.message);
        continue;
      }
      const engine = await LAUNCH[name]();
      const raw: Record<string, Trial[]> = {};
      try {
        console.log(`\n${engine.label}: ${trials} trials per way, a cancel counts when it lands within ${waitMs} ms`);
        console.log('| way of leaving | delivered | of which at the grace end | median ms | max ms |\n|---|---|---|---|---|');
        for (const key of ways) {
          const way = WAYS[key]!;
          if (!way.possible(engine)) {
            console.log(`| ${way.label} | driver cannot | | | |`);
            continue;
          }
          const results: Trial[] = [];
          const excluded: Trial[] = [];
          for (let i = 0; i < trials; i++) results.push(await trialOutsideRateLimit(engine, stack, way, waitMs, excluded));
          raw[key] = results;
          const s = summarize(results);
          const note = excluded.length ? ` (${excluded.length} more lost to the relay's rate limit, run again)` : '';
          console.log(`| ${way.label} | ${s.delivered}/${s.trials} (${Math.round(s.share * 100)}%)${note} | ${s.viaGrace} | ${s.medianMs ?? '–'} | ${s.maxMs ?? '–'} |`);
        }
      } finally {
        await engine.close();
      }
      writeFileSync(`test-results/delivery-${name}.json`, JSON.stringify({ engine: engine.label, trials: raw }, null, 2));
    }
  } finally {
    await stack.close();
  }
}

await main();
