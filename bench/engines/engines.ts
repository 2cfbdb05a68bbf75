/**
 * Section 5, engines: cancel delivery and latency in Firefox ESR and WebKitGTK, for the element
 * and the two naive baselines, with default preferences, against the same relay and sandbox as
 * the Chromium section. Trials are interleaved across the variants; each is judged at the end
 * from the sandbox's record, so a cancel that lands late (made by the relay's sweeper when an
 * intent's grace or the lease ended) still counts. An engine that is not installed is reported as skipped, with its package.
 */
import type { RunningStack } from '../../demo/stack.js';
import { engineStatus, requestedEngines, type EngineName } from '../../test/support/engines.mjs';
import { launchFirefox } from '../../test/e2e/engines/firefox.js';
import type { EngineDriver, EngineTab } from '../../test/e2e/engines/harness.js';
import { launchWebKit } from '../../test/e2e/engines/webkit.js';
import { sandboxSession } from '../../test/e2e/support.js';
import { kindFigures, notRun, type JudgedTrial, type KindFigures } from '../delivery/delivery.js';
import { cancelLatency, waitForCancelCall } from '../delivery/trials.js';
import { VARIANT_INFO, VARIANTS, type Baseline, type Variant } from '../delivery/variants.js';
import { ENGINE_WAY_SPECS, ENGINE_WAYS, type EngineWay } from './ways.js';

export type OtherEngine = Exclude<EngineName, 'chromium'>;
export const OTHER_ENGINES: readonly OtherEngine[] = ['firefox', 'webkit'];

export interface EngineSettings {
  /** Trials per way for the element. */
  readonly trials: number;
  /** Trials per way for each naive baseline. */
  readonly baselineTrials: number;
  /** How long a page that stays open is given to send its cancel before the trial closes it. */
  readonly windowMs: number;
  /** Wait after the last trial before reading every session (the relay's intent grace is 3 s, its lease here a few seconds). */
  readonly settleMs: number;
}

/** Figures for one way; `graceEnd` counts cancels that landed 2 s or more after the action. */
export interface EngineWayFigures extends KindFigures {
  readonly graceEnd?: number;
}

export interface EngineFigures {
  readonly label: string;
  readonly delivery: Partial<Record<EngineWay, EngineWayFigures>>;
  readonly baselines: Record<Baseline, Partial<Record<EngineWay, EngineWayFigures>>>;
  /** Ways this engine's driver cannot produce, and why. */
  readonly cannot: Partial<Record<EngineWay, string>>;
  readonly trialErrors: readonly string[];
}

export interface EnginesResults {
  readonly engines: Partial<Record<OtherEngine, EngineFigures>>;
  /** Engines not installed here: the message naming the package. */
  readonly skipped: Partial<Record<OtherEngine, string>>;
}

const LAUNCH: Record<OtherEngine, () => Promise<EngineDriver>> = { firefox: launchFirefox, webkit: launchWebKit };

/**
 * The relay's shortest intent grace: a cancel this late was made by the relay's sweeper (an
 * intent's grace or the lease ended) because the page's own cancel never arrived.
 */
const GRACE_END_MS = 2000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface EngineTrial {
  readonly variant: Variant;
  readonly way: EngineWay;
  readonly sessionId: string;
  readonly actionAt: number;
  readonly cleanupAt: number;
  readonly error?: string;
}

function pageOf(stack: RunningStack, variant: Variant): { url: string; readyWhen: string } {
  const url = new URL(VARIANT_INFO[variant].page, stack.demoUrl);
  url.searchParams.set('relay', stack.merchantUrl);
  return { url: url.toString(), readyWhen: `document.body.dataset.state === 'active'` };
}

async function runEngineTrial(engine: EngineDriver, stack: RunningStack, variant: Variant, way: EngineWay, settings: EngineSettings): Promise<EngineTrial | undefined> {
  const spec = ENGINE_WAY_SPECS[way];
  let tab: EngineTab | undefined;
  let actionAt = 0;
  let error: string | undefined;
  try {
    tab = await engine.openCheckout(stack, { popup: spec.popup ?? false, page: pageOf(stack, variant) });
    actionAt = Date.now();
    await spec.leave(tab, stack, variant);
  } catch (caught) {
    error = caught instanceof Error ? caught.message.split('\n')[0] : String(caught);
  }
  if (!tab || !actionAt) return undefined; // never got as far as abandoning anything: not a trial
  if (spec.pageStays) await waitForCancelCall(stack, tab.sessionId, settings.windowMs, 25);
  const cleanupAt = Date.now();
  await tab.dispose().catch(() => undefined);
  return { variant, way, sessionId: tab.sessionId, actionAt, cleanupAt, ...(error ? { error } : {}) };
}

async function judge(stack: RunningStack, trial: EngineTrial, windowMs: number): Promise<JudgedTrial> {
  const record = await sandboxSession(stack, trial.sessionId);
  const latencyMs = cancelLatency(record, trial, ENGINE_WAY_SPECS[trial.way].pageStays ?? false, windowMs);
  return { cancelCalls: record.cancelCalls, ...(latencyMs === undefined ? {} : { latencyMs }), ...(trial.error ? { error: trial.error } : {}) };
}

function figures(judged: readonly JudgedTrial[]): EngineWayFigures {
  return { ...kindFigures(judged), graceEnd: judged.filter((trial) => (trial.latencyMs ?? 0) >= GRACE_END_MS).length };
}

async function measureEngine(engine: EngineDriver, stack: RunningStack, settings: EngineSettings, log: (line: string) => void): Promise<EngineFigures> {
  const trials: EngineTrial[] = [];
  const trialErrors: string[] = [];
  const cannot: Partial<Record<EngineWay, string>> = {};
  const ways = ENGINE_WAYS.filter((way) => {
    const reason = ENGINE_WAY_SPECS[way].cannot?.(engine);
    if (reason) cannot[way] = reason;
    return !reason;
  });
  for (const way of ways) {
    const variants: Variant[] = ENGINE_WAY_SPECS[way].noNaiveHandler ? ['element'] : [...VARIANTS];
    const started = Date.now();
    const runs = Math.max(settings.trials, settings.baselineTrials);
    for (let index = 0; index < runs; index++) {
      for (let offset = 0; offset < variants.length; offset++) {
        const variant = variants[(index + offset) % variants.length]!;
        if (index >= (variant === 'element' ? settings.trials : settings.baselineTrials)) continue;
        const trial = await runEngineTrial(engine, stack, variant, way, settings);
        if (!trial) trialErrors.push(`${way}/${variant}: the page did not open`);
        else trials.push(trial);
        if (trial?.error) trialErrors.push(`${way}/${variant}: ${trial.error}`);
      }
    }
    log(`  ${engine.name} ${ENGINE_WAY_SPECS[way].label}: ${variants.join(', ')} (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  await sleep(settings.settleMs);
  const judged = await Promise.all(trials.map(async (trial) => ({ trial, judged: await judge(stack, trial, settings.settleMs) })));
  const byVariant = (variant: Variant) => {
    const result: Partial<Record<EngineWay, EngineWayFigures>> = {};
    for (const way of ways) {
      const note = ENGINE_WAY_SPECS[way].noNaiveHandler;
      if (variant !== 'element' && note) result[way] = notRun(note);
      else result[way] = figures(judged.filter((entry) => entry.trial.variant === variant && entry.trial.way === way).map((entry) => entry.judged));
    }
    return result;
  };
  const result: EngineFigures = {
    label: engine.label,
    delivery: byVariant('element'),
    baselines: { naiveFetch: byVariant('naiveFetch'), naiveBeacon: byVariant('naiveBeacon') },
    cannot,
    trialErrors,
  };
  for (const way of ways) {
    const parts = VARIANTS.map((variant) => {
      const figure = variant === 'element' ? result.delivery[way] : result.baselines[variant][way];
      return figure && figure.trials > 0 ? `${variant} ${figure.delivered}/${figure.trials} p50 ${figure.p50Ms ?? '–'} p95 ${figure.p95Ms ?? '–'} ms` : undefined;
    }).filter(Boolean);
    log(`  ${engine.name} ${ENGINE_WAY_SPECS[way].label}: ${parts.join('; ')}`);
  }
  return result;
}

export async function measureEngines(stack: RunningStack, settings: EngineSettings, log: (line: string) => void): Promise<EnginesResults> {
  const engines: EnginesResults['engines'] = {};
  const skipped: EnginesResults['skipped'] = {};
  // BPS_ENGINES=firefox narrows the section to some engines, as it narrows the tests.
  const requested: readonly string[] = requestedEngines();
  for (const name of OTHER_ENGINES.filter((engine) => requested.includes(engine))) {
    const status = engineStatus(name);
    if (!status.available) {
      skipped[name] = status.message;
      log(`  ${name}: skipped (${status.message})`);
      continue;
    }
    const engine = await LAUNCH[name]();
    try {
      engines[name] = await measureEngine(engine, stack, settings, log);
    } finally {
      await engine.close();
    }
  }
  return { engines, skipped };
}
