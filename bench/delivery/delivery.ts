/**
 * Section 2, cancel delivery and latency: every abandonment kind, for the element and for
 * the two naive baselines, trials interleaved (element, fetch, beacon, rotating) so drift in
 * machine load falls on all three alike; then the cases that must never cancel.
 */
import type { Browser } from 'playwright-core';
import type { BenchStack } from '../stack/stack.js';
import { round, roundSummary, summarize, type Summary } from '../lib/stats.js';
import { ABANDONMENT_KINDS, KINDS, type AbandonmentKind } from './kinds.js';
import { QUIET_CASES, runQuietTrial, type QuietCase, type QuietTrial } from './non-abandonment.js';
import { judgeTrial, runTrial, type TrialOutcome, type TrialRecord, type TrialTiming } from './trials.js';
import { VARIANTS, type Baseline, type Variant } from './variants.js';

export interface DeliverySettings {
  readonly trials: number;
  /** The kinds to run (BENCH_KINDS narrows it); the others are left out of the results. */
  readonly kinds: readonly AbandonmentKind[];
  readonly timing: TrialTiming;
  /** Wait after the last trial before reading every session (late beacons still count). */
  readonly settleMs: number;
  /** The same, when pages died without a word: the relay's lease, a sweep and a cancel call. */
  readonly silentSettleMs: number;
  readonly quiet: { readonly trials: number; readonly holdMs: number; readonly variants: readonly Variant[] };
}

export interface KindFigures {
  /** Share of trials whose session reached Cancelled at the sandbox, 0..1. */
  readonly rate: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly trials: number;
  readonly delivered: number;
  readonly latencyMs: Summary | null;
  /** Trials whose session got more than one cancel call. */
  readonly duplicates: number;
  /** Trials where the action reported an error (still judged on what the sandbox saw). */
  readonly errors: number;
  /** bfcache kind: trials whose page really entered the back/forward cache. */
  readonly enteredBfcache?: number;
  /** Why a baseline was not run for this kind. */
  readonly note?: string;
  /** What sent the cancels that counted, from the relay's audit lines: `page-unload`, `page-gone` (fetchLater), `lease`, ... */
  readonly causes?: Record<string, number>;
}

export interface QuietFigures {
  readonly trials: number;
  readonly cancelCalls: number;
}

export interface DeliveryResults {
  readonly delivery: Partial<Record<AbandonmentKind, KindFigures>>;
  readonly baselines: Record<Baseline, Partial<Record<AbandonmentKind, KindFigures>>>;
  readonly falseCancels: number;
  readonly nonAbandonment: Partial<Record<Variant, Record<QuietCase, QuietFigures>>>;
  readonly trialErrors: readonly string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the figures of a kind are made of: one judged trial, in any engine. */
export type JudgedTrial = Pick<TrialOutcome, 'latencyMs' | 'enteredBfcache' | 'cancelCalls' | 'error' | 'cause'>;

export function kindFigures(outcomes: readonly JudgedTrial[]): KindFigures {
  const causes: Record<string, number> = {};
  for (const outcome of outcomes) if (outcome.latencyMs !== undefined && outcome.cause) causes[outcome.cause] = (causes[outcome.cause] ?? 0) + 1;
  const latencies = outcomes.flatMap((outcome) => (outcome.latencyMs === undefined ? [] : [outcome.latencyMs]));
  const latency = roundSummary(summarize(latencies)) ?? null;
  const bfcache = outcomes.filter((outcome) => outcome.enteredBfcache !== undefined);
  return {
    rate: outcomes.length === 0 ? 0 : round(latencies.length / outcomes.length, 3),
    p50Ms: latency?.p50 ?? null,
    p95Ms: latency?.p95 ?? null,
    trials: outcomes.length,
    delivered: latencies.length,
    latencyMs: latency,
    duplicates: outcomes.filter((outcome) => outcome.cancelCalls > 1).length,
    errors: outcomes.filter((outcome) => outcome.error).length,
    ...(bfcache.length > 0 ? { enteredBfcache: bfcache.filter((outcome) => outcome.enteredBfcache).length } : {}),
    ...(Object.keys(causes).length > 0 ? { causes } : {}),
  };
}

export function notRun(note: string): KindFigures {
  return { rate: 0, p50Ms: null, p95Ms: null, trials: 0, delivered: 0, latencyMs: null, duplicates: 0, errors: 0, note };
}

/** The variants a kind is run for: the baselines only where they have a handler at all. */
function variantsFor(kind: AbandonmentKind): Variant[] {
  return KINDS[kind].noNaiveHandler ? ['element'] : [...VARIANTS];
}

export async function measureDelivery(
  browser: Browser,
  stack: BenchStack,
  settings: DeliverySettings,
  log: (line: string) => void,
): Promise<DeliveryResults> {
  const byVariant: Record<Variant, Partial<Record<AbandonmentKind, KindFigures>>> = { element: {}, naiveFetch: {}, naiveBeacon: {} };
  const trialErrors: string[] = [];

  const kinds = settings.kinds;
  const records: TrialRecord[] = [];
  for (const kind of kinds) {
    const variants = variantsFor(kind);
    const startedAt = Date.now();
    for (let index = 0; index < settings.trials; index++) {
      for (let offset = 0; offset < variants.length; offset++) {
        const variant = variants[(index + offset) % variants.length]!;
        const record = await runTrial(browser, stack, variant, kind, settings.timing);
        if (record) records.push(record);
        else trialErrors.push(`${kind}/${variant}: the page did not open`);
        if (record?.error) trialErrors.push(`${kind}/${variant}: ${record.error}`);
      }
    }
    log(`  ${KINDS[kind].label}: ${settings.trials} trials × ${variants.join(', ')} (${Math.round((Date.now() - startedAt) / 1000)} s)`);
  }
  // Judged once at the end, after a settle: a late cancel still counts as delivered.
  await sleep(kinds.some((kind) => KINDS[kind].silent) ? settings.silentSettleMs : settings.settleMs);
  const causes = await stack.cancelCauses(records.map((record) => record.sessionId));
  const outcomes = await Promise.all(records.map((record) => judgeTrial(stack, record, settings.silentSettleMs, causes[record.sessionId])));
  for (const kind of ABANDONMENT_KINDS) {
    if (kinds.includes(kind)) continue;
    for (const variant of VARIANTS) byVariant[variant][kind] = notRun('not run: this run was narrowed to other kinds');
  }
  for (const kind of kinds) {
    const parts: string[] = [];
    for (const variant of variantsFor(kind)) {
      const figures = kindFigures(outcomes.filter((outcome) => outcome.kind === kind && outcome.variant === variant));
      byVariant[variant][kind] = figures;
      parts.push(`${variant} ${figures.delivered}/${figures.trials} p50 ${figures.p50Ms ?? '–'} p95 ${figures.p95Ms ?? '–'} ms`);
    }
    log(`  ${KINDS[kind].label}: ${parts.join('; ')}`);
  }
  for (const kind of kinds) {
    const note = KINDS[kind].noNaiveHandler;
    if (note) for (const baseline of ['naiveFetch', 'naiveBeacon'] as const) byVariant[baseline][kind] = notRun(note);
  }

  const nonAbandonment: DeliveryResults['nonAbandonment'] = {};
  for (const variant of settings.quiet.variants) {
    const trials: QuietTrial[] = [];
    for (let index = 0; index < settings.quiet.trials; index++) {
      for (const quietCase of QUIET_CASES) {
        try {
          trials.push(await runQuietTrial(browser, stack, variant, quietCase, settings.quiet.holdMs));
        } catch (error) {
          trialErrors.push(`${quietCase}/${variant}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
        }
      }
    }
    nonAbandonment[variant] = Object.fromEntries(
      QUIET_CASES.map((quietCase) => {
        const of = trials.filter((trial) => trial.case === quietCase);
        return [quietCase, { trials: of.length, cancelCalls: of.reduce((sum, trial) => sum + trial.cancelCalls, 0) }];
      }),
    ) as Record<QuietCase, QuietFigures>;
    log(`  never cancels (${variant}): ${QUIET_CASES.map((c) => `${c} ${nonAbandonment[variant]![c].cancelCalls} cancels / ${nonAbandonment[variant]![c].trials}`).join(', ')}`);
  }
  const elementQuiet = nonAbandonment.element;
  return {
    delivery: byVariant.element,
    baselines: { naiveFetch: byVariant.naiveFetch, naiveBeacon: byVariant.naiveBeacon },
    falseCancels: elementQuiet ? QUIET_CASES.reduce((sum, quietCase) => sum + elementQuiet[quietCase].cancelCalls, 0) : 0,
    nonAbandonment,
    trialErrors,
  };
}
