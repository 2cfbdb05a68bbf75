// The bench's pure pieces: quantiles, budgets, targets, templating, which cancel counts for a
// trial. Run by `npm test` (the unit suite) and alone with `node --import tsx --test bench/lib/pure.test.ts`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fillTemplate } from '../stack/raw-files.js';
import { checkBudgets } from '../size/bundles.js';
import { kindFigures } from '../delivery/delivery.js';
import { cancelLatency } from '../delivery/trials.js';
import { LEASE_BOUND_MS } from '../settings.js';
import { evaluateTargets, type BenchResults } from './results.js';
import { quantileOfSorted, summarize } from './stats.js';

describe('stats', () => {
  test('quantiles interpolate between ranks', () => {
    assert.equal(quantileOfSorted([1, 2], 0.5), 1.5);
    assert.equal(quantileOfSorted([10, 20, 30, 40, 50], 0.95), 48);
    assert.equal(quantileOfSorted([7], 0.95), 7);
  });

  test('summaries ignore non-finite values and refuse none', () => {
    assert.deepEqual(summarize([3, Number.NaN, 1, 2])?.p50, 2);
    assert.equal(summarize([]), undefined);
    assert.throws(() => quantileOfSorted([], 0.5), RangeError);
  });
});

describe('budgets', () => {
  test('a missing bundle fails its budget instead of passing silently', () => {
    const checks = checkBudgets({ element: { minified: 9000, gzip: 4000, brotli: 3500 } });
    assert.deepEqual(
      checks.map((check) => [check.bundle, check.ok]),
      [
        ['element', true],
        ['standalone', false],
      ],
    );
  });
});

describe('delivery figures', () => {
  test('rate counts only delivered trials (those with a latency); latency percentiles only their latencies', () => {
    const figures = kindFigures([
      { latencyMs: 10, cancelCalls: 1 },
      { latencyMs: 30, cancelCalls: 2 },
      { cancelCalls: 0 },
      { cancelCalls: 0, error: 'boom' },
    ]);
    assert.equal(figures.rate, 0.5);
    assert.equal(figures.p50Ms, 20);
    assert.equal(figures.duplicates, 1);
    assert.equal(figures.errors, 1);
  });

  test('no trials is a 0 rate with no latency, not a division by zero', () => {
    const figures = kindFigures([]);
    assert.equal(figures.rate, 0);
    assert.equal(figures.p95Ms, null);
  });
});

describe('which cancel counts for a trial', () => {
  const record = (at?: number) => ({
    session: { sessionId: 's', status: at === undefined ? 'Initiated' : 'Cancelled', statusDetails: '' },
    history: at === undefined ? [] : [{ at: new Date(at).toISOString(), type: 'cancel' }],
    cancelCalls: at === undefined ? 0 : 1,
  });
  const trial = { actionAt: 1_000, cleanupAt: 2_000 };
  test('after the action: its latency', () => assert.equal(cancelLatency(record(1_250), trial, false), 250));
  test('before the action, or none: not delivered', () => {
    assert.equal(cancelLatency(record(900), trial, false), undefined);
    assert.equal(cancelLatency(record(), trial, false), undefined);
  });
  test('after the trial closed a page that stayed: that close cancelled it, not the action', () => {
    assert.equal(cancelLatency(record(2_500), trial, true), undefined);
    assert.equal(cancelLatency(record(2_500), trial, false), 1_500);
  });
  test("past the window: the relay's clean-up minutes later, not the page's doing", () => {
    assert.equal(cancelLatency(record(1_000 + 7_500), trial, false, 7_500), 7_500);
    assert.equal(cancelLatency(record(1_000 + 300_000), trial, false, 7_500), undefined);
  });
});

describe('delivery targets', () => {
  const leaseMs = 4000;
  const judged = (p95Ms: number) => kindFigures([{ latencyMs: p95Ms, cancelCalls: 1 }]);
  const targets = (delivery: BenchResults['delivery']) =>
    evaluateTargets({ delivery, settings: { browserLeaseMs: leaseMs }, failures: {} } as unknown as BenchResults).map((check) => [check.target.split(':')[0], check.met]);
  test('a page that dies without a word is held to the lease plus the bound, not to the 250 ms of a page that says goodbye', () => {
    assert.deepEqual(targets({ closeButton: judged(100), browserKill: judged(leaseMs + LEASE_BOUND_MS) }), [
      ['100% delivery for every abandonment kind', true],
      ['p95 under 250 ms on loopback', true],
      ['a page that dies without a word', true],
    ]);
    assert.deepEqual(targets({ browserKill: judged(leaseMs + LEASE_BOUND_MS + 1) }), [
      ['100% delivery for every abandonment kind', true],
      ['a page that dies without a word', false],
    ]);
  });
});

describe('raw page templates', () => {
  test('values are HTML-escaped, unknown names become empty', () => {
    const html = fillTemplate('<x src="{{src}}" y="{{nope}}">', new URLSearchParams({ src: 'http://a/?q="><script>' }));
    assert.equal(html, '<x src="http://a/?q=&quot;&gt;&lt;script&gt;" y="">');
  });
});
