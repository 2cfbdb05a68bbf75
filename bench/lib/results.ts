/**
 * The shape of bench/results.json and the targets, judged from it. Pure: no I/O.
 */
import type { DeliveryResults, KindFigures } from '../delivery/delivery.js';
import { ABANDONMENT_KINDS, KINDS, type AbandonmentKind } from '../delivery/kinds.js';
import type { EnginesResults } from '../engines/engines.js';
import { ENGINE_WAY_SPECS, type EngineWay } from '../engines/ways.js';
import type { FirstPaintResults } from '../first-paint/first-paint.js';
import type { LeaseCostResults } from '../lease-cost/lease-cost.js';
import type { RelayResults } from '../relay-load/relay-load.js';
import type { ReliabilityResults } from '../relay-load/reliability.js';
import { LEASE_BOUND_MS, type BenchSettings } from '../settings.js';
import type { BudgetCheck, BundleName, BundleSize } from '../size/bundles.js';
import type { GitInfo, MachineInfo } from './machine.js';

export interface SizeSection {
  readonly elementGzip: number;
  readonly standaloneGzip: number;
  readonly litGzip: number;
  readonly bundles: Record<BundleName, BundleSize & { readonly label: string }>;
  readonly budgets: readonly BudgetCheck[];
}

export interface BenchResults {
  readonly generatedAt: string;
  readonly command: string;
  durationSeconds: number;
  readonly machine: MachineInfo;
  readonly chromium?: string;
  readonly versions: Record<string, string>;
  readonly git: GitInfo;
  readonly settings: BenchSettings;
  size?: SizeSection;
  delivery?: DeliveryResults['delivery'];
  baselines?: DeliveryResults['baselines'];
  falseCancels?: number;
  nonAbandonment?: DeliveryResults['nonAbandonment'];
  trialErrors?: readonly string[];
  relay?: RelayResults;
  /** The fault matrix: N legitimate cancels per fault, and what became of each. */
  reliability?: ReliabilityResults;
  firstPaint?: FirstPaintResults;
  /** Firefox ESR and WebKitGTK: the element's delivery per way of leaving, and the naive baselines. */
  engines?: EnginesResults;
  /** Charts drawn from these results (charts.ts), by name: paths relative to bench/. */
  charts?: Record<string, string>;
  /** Sections re-run on their own and merged into a full run's results (`--merge`): when, and from which commit. */
  sectionRuns?: Record<string, { readonly generatedAt: string; readonly command: string; readonly commit: string; readonly loadAverage: string }>;
  /** What the lease costs: heartbeats, the relay with 10 000 live sessions, the sweep. */
  leaseCost?: LeaseCostResults;
  /** Sections that failed to run, with the reason. */
  readonly failures: Record<string, string>;
  targets?: readonly TargetCheck[];
}

export interface TargetCheck {
  readonly target: string;
  readonly met: boolean;
  readonly detail: string;
}

const P95_TARGET_MS = 250;

function deliveryTargets(delivery: Partial<Record<AbandonmentKind, KindFigures>>, leaseMs: number): TargetCheck[] {
  const measured = ABANDONMENT_KINDS.filter((kind) => delivery[kind]);
  const rateOf = (kind: AbandonmentKind) => delivery[kind]!.rate;
  const p95Of = (kind: AbandonmentKind) => delivery[kind]!.p95Ms ?? Number.POSITIVE_INFINITY;
  const notFull = measured.filter((kind) => rateOf(kind) < 1);
  const spoken = measured.filter((kind) => !KINDS[kind].silent);
  const silent = measured.filter((kind) => KINDS[kind].silent);
  const slow = spoken.filter((kind) => p95Of(kind) >= P95_TARGET_MS);
  const pastLease = silent.filter((kind) => p95Of(kind) > leaseMs + LEASE_BOUND_MS);
  const checks: TargetCheck[] = [
    {
      target: '100% delivery for every abandonment kind',
      met: notFull.length === 0,
      detail: notFull.length === 0 ? 'every kind 100%' : notFull.map((kind) => `${kind} ${Math.round(rateOf(kind) * 1000) / 10}%`).join(', '),
    },
  ];
  if (spoken.length > 0) {
    checks.push({
      target: `p95 under ${P95_TARGET_MS} ms on loopback`,
      met: slow.length === 0,
      detail: slow.length === 0 ? 'every kind under' : slow.map((kind) => `${kind} ${delivery[kind]!.p95Ms ?? 'n/a'} ms`).join(', '),
    });
  }
  if (silent.length > 0) {
    checks.push({
      target: `a page that dies without a word: p95 within the lease + ${LEASE_BOUND_MS / 1000} s (lease ${leaseMs / 1000} s)`,
      met: pastLease.length === 0,
      detail: pastLease.length === 0 ? silent.map((kind) => `${kind} ${delivery[kind]!.p95Ms ?? 'n/a'} ms`).join(', ') : pastLease.map((kind) => `${kind} ${delivery[kind]!.p95Ms ?? 'n/a'} ms`).join(', '),
    });
  }
  return checks;
}

/** The targets, judged on what was measured (a section not run yields no check). */
export function evaluateTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const budget of results.size?.budgets ?? []) {
    checks.push({
      target: `${budget.bundle} ≤ ${budget.budget / 1024} KB gzip`,
      met: budget.ok,
      detail: `${budget.gzip} bytes (${budget.budget - budget.gzip} bytes ${budget.ok ? 'to spare' : 'over'})`,
    });
  }
  if (results.delivery) checks.push(...deliveryTargets(results.delivery, results.settings.browserLeaseMs));
  if (results.falseCancels !== undefined) {
    checks.push({ target: '0 cancels in the non-abandonment cases', met: results.falseCancels === 0, detail: `${results.falseCancels} cancels` });
  }
  if (results.relay) {
    const answered = results.relay.flood.every((round) => round.rejected429 > 0);
    checks.push({ target: 'flood: excess answered 429', met: answered, detail: results.relay.flood.map((round) => `${round.rejected429} × 429`).join(', ') });
    checks.push({ target: 'flood: every accepted cancel reaches the sandbox', met: results.relay.lost === 0, detail: `${results.relay.lost} lost` });
  }
  if (results.relay?.ratios) {
    const { latencyP50VsProxy, throughputVsProxy } = results.relay.ratios;
    checks.push({ target: 'relay p50 latency within 1.5× the bare proxy', met: latencyP50VsProxy <= 1.5, detail: `${latencyP50VsProxy}× (median of rounds)` });
    checks.push({ target: 'relay throughput at least 2/3 of the bare proxy', met: throughputVsProxy >= 2 / 3, detail: `${throughputVsProxy} of it (median of rounds)` });
  }
  if (results.reliability) {
    const { lostSilently, rows } = results.reliability;
    checks.push({ target: 'fault matrix: 0 accepted cancels lost silently', met: lostSilently === 0, detail: `${lostSilently} of ${rows.reduce((sum, row) => sum + row.cancels, 0)} over ${rows.length} faults` });
  }
  for (const [name, engine] of Object.entries(results.engines?.engines ?? {})) {
    const ways = Object.entries(engine.delivery) as Array<[EngineWay, NonNullable<(typeof engine.delivery)[EngineWay]>]>;
    const notFull = ways.filter(([, figures]) => figures.rate < 1);
    checks.push({
      target: `${name}: 100% delivery for every way its driver can produce`,
      met: notFull.length === 0,
      detail:
        notFull.length === 0
          ? `every way 100% (${ways.length} ways)`
          : notFull.map(([way, figures]) => `${ENGINE_WAY_SPECS[way].label} ${figures.delivered}/${figures.trials}`).join(', '),
    });
  }
  if (results.firstPaint) {
    checks.push({
      target: 'the element does not delay the hosted flow',
      met: results.firstPaint.ratio <= 1.1,
      detail: `ratio ${results.firstPaint.ratio} (the advice of docs/element.md / plain iframe, medians; ≤ 1.1 counted as no delay); the element alone ${results.firstPaint.pages.elementAlone.ratio}`,
    });
  }
  return checks;
}

/** Budgets are the one target the bench enforces with its exit code (the issue asks for it). */
export function budgetsFailed(results: BenchResults): boolean {
  return (results.size?.budgets ?? []).some((budget) => !budget.ok);
}
