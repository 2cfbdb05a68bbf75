/**
 * Sends one request per item with autocannon (fixed number of connections, closed loop) and
 * keeps each item's HTTP status, so a caller can tell which cancels were accepted.
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { quantileOfSorted } from '../lib/stats.js';

export interface FireOptions<Item> {
  /** Base URL of the server; paths come from `request`. */
  readonly url: string;
  readonly items: readonly Item[];
  readonly connections: number;
  readonly request: (item: Item) => { path: string; headers: Record<string, string>; body: string };
  /** Seconds before autocannon gives up on one answer. */
  readonly timeoutSeconds?: number;
}

export interface FireResult {
  readonly sent: number;
  /** HTTP status per item index; 0 when no answer came (error or timeout). */
  readonly statuses: readonly number[];
  /** Answers per second, from the first request to the last answer. */
  readonly perSecond: number;
  readonly elapsedMs: number;
  /**
   * Latency percentiles over every answer, in microseconds: from the moment autocannon builds a
   * request to its answer, on this process's monotonic clock (autocannon's own histogram keeps
   * whole milliseconds, which rounds a loopback answer to 0).
   */
  readonly latencyUs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly mean: number };
  /** autocannon's own histogram, whole milliseconds. */
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p97_5: number; readonly p99: number; readonly mean: number; readonly max: number };
  readonly statusCounts: Record<string, number>;
  readonly errors: number;
  readonly timeouts: number;
}

export async function fire<Item>(options: FireOptions<Item>): Promise<FireResult> {
  const { items } = options;
  if (items.length < options.connections) throw new RangeError('need at least one item per connection');
  const statuses: number[] = new Array(items.length).fill(0);
  const latencies: number[] = [];
  let next = 0;
  let lastAnswerAt = 0;
  const startedAt = performance.now();
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    amount: items.length,
    timeout: options.timeoutSeconds ?? 30,
    requests: [
      {
        method: 'POST',
        setupRequest: (request, context) => {
          // autocannon asks exactly once per request it sends (amount bounds the total).
          const index = next++;
          context.index = index;
          context.startedAt = performance.now();
          const item = items[index] ?? items[items.length - 1]!;
          return { ...request, ...options.request(item) };
        },
        onResponse: (status, _body, context) => {
          statuses[context.index as number] = status;
          lastAnswerAt = performance.now();
          latencies.push((lastAnswerAt - (context.startedAt as number)) * 1000);
        },
      },
    ],
  });
  const elapsedMs = (lastAnswerAt || performance.now()) - startedAt;
  const answered = statuses.filter((status) => status !== 0).length;
  const sorted = latencies.sort((a, b) => a - b);
  const us = (q: number) => (sorted.length ? Math.round(quantileOfSorted(sorted, q)) : 0);
  return {
    sent: Math.min(next, items.length),
    statuses,
    perSecond: answered / (elapsedMs / 1000),
    elapsedMs,
    latencyUs: { p50: us(0.5), p90: us(0.9), p99: us(0.99), mean: Math.round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)) },
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      mean: result.latency.mean,
      max: result.latency.max,
    },
    statusCounts: Object.fromEntries(Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count])),
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
