/** Summaries of repeated measurements: never one sample, always the middle and the spread. */

export interface Summary {
  readonly n: number;
  readonly min: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p95: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * The q-quantile (0..1) of already sorted values, interpolated between the two nearest ranks
 * (the same definition as numpy's default and R's type 7), so p50 of [1, 2] is 1.5.
 */
export function quantileOfSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('no values to take a quantile of');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within 0..1, got ${q}`);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower]!;
  const high = sorted[upper]!;
  return low + (high - low) * (position - lower);
}

export function summarize(values: readonly number[]): Summary | undefined {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return undefined;
  const sorted = [...finite].sort((a, b) => a - b);
  return {
    n: sorted.length,
    min: sorted[0]!,
    p25: quantileOfSorted(sorted, 0.25),
    p50: quantileOfSorted(sorted, 0.5),
    p75: quantileOfSorted(sorted, 0.75),
    p95: quantileOfSorted(sorted, 0.95),
    max: sorted[sorted.length - 1]!,
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  };
}

export function median(values: readonly number[]): number | undefined {
  return summarize(values)?.p50;
}

/** Rounds for reports: figures read in milliseconds or ratios do not need more digits. */
export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function roundSummary(summary: Summary | undefined, digits = 1): Summary | undefined {
  if (!summary) return undefined;
  const r = (value: number) => round(value, digits);
  return {
    n: summary.n,
    min: r(summary.min),
    p25: r(summary.p25),
    p50: r(summary.p50),
    p75: r(summary.p75),
    p95: r(summary.p95),
    max: r(summary.max),
    mean: r(summary.mean),
  };
}
