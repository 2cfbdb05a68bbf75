import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fullJitterDelayMs, nextDelayMs, parseRetryAfterMs } from '../../src/relay/backoff.js';
import { ProviderError } from '../../src/relay/provider/error.js';
import { retryTransient } from '../../src/relay/retry.js';

const policy = { baseDelayMs: 100, maxDelayMs: 1000 };

describe('backoff', () => {
  test('full jitter stays below a doubling ceiling capped at maxDelayMs', () => {
    const ceilings = [1, 2, 3, 4, 5, 6].map((failures) => fullJitterDelayMs(failures, policy, () => 0.999_999));
    assert.deepEqual(ceilings, [99, 199, 399, 799, 999, 999]);
    assert.equal(fullJitterDelayMs(3, policy, () => 0), 0);
    assert.equal(fullJitterDelayMs(1000, policy, () => 0.5), 500);
  });

  test('Retry-After is a floor for the wait', () => {
    assert.equal(nextDelayMs(1, policy, 2000, () => 0.5), 2000);
    assert.equal(nextDelayMs(5, policy, 10, () => 0.5), 500);
    assert.equal(nextDelayMs(5, policy, undefined, () => 0.5), 500);
  });

  test('Retry-After is read as seconds or as an HTTP date', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    assert.equal(parseRetryAfterMs('3', now), 3000);
    assert.equal(parseRetryAfterMs(' 0 ', now), 0);
    assert.equal(parseRetryAfterMs(new Date(now + 5000).toUTCString(), now), 5000);
    assert.equal(parseRetryAfterMs(new Date(now - 5000).toUTCString(), now), 0);
    assert.equal(parseRetryAfterMs('soon', now), undefined);
    assert.equal(parseRetryAfterMs(null, now), undefined);
    assert.equal(parseRetryAfterMs('-1', now), undefined);
  });
});

describe('retryTransient', () => {
  const transient = () => new ProviderError('503', { httpStatus: 503, transient: true });
  const fast = { baseDelayMs: 1, maxDelayMs: 2 };

  test('retries transient errors until the operation succeeds and counts attempts', async () => {
    let calls = 0;
    const result = await retryTransient(
      async () => {
        calls += 1;
        if (calls < 4) throw transient();
        return 'done';
      },
      { policy: fast, deadline: Date.now() + 10_000 },
    );
    assert.deepEqual(result, { ok: true, value: 'done', attempts: 4 });
  });

  test('stops at once on a permanent error', async () => {
    const permanent = new ProviderError('refused', { httpStatus: 403, transient: false });
    let calls = 0;
    const result = await retryTransient(
      async () => {
        calls += 1;
        throw permanent;
      },
      { policy: fast, deadline: Date.now() + 10_000 },
    );
    assert.equal(calls, 1);
    assert.deepEqual(result, { ok: false, error: permanent, attempts: 1 });
  });

  test('non-provider errors (bugs) are not retried', async () => {
    const result = await retryTransient(
      async () => {
        throw new TypeError('bug');
      },
      { policy: fast, deadline: Date.now() + 10_000 },
    );
    assert.equal(result.attempts, 1);
    assert.equal(result.ok, false);
  });

  test('gives up when the next wait would pass the deadline', async () => {
    let clock = 0;
    const result = await retryTransient(
      async () => {
        clock += 40;
        throw new ProviderError('429', { httpStatus: 429, transient: true, retryAfterMs: 50 });
      },
      { policy: fast, deadline: 100, now: () => clock },
    );
    // Attempt 1 ends at 40 (+50 wait = 90 < 100, so retry); attempt 2 ends at 80 (+50 = 130: stop).
    assert.equal(result.attempts, 2);
    assert.equal(result.ok, false);
  });

  test('an abort stops the waiting at once', async () => {
    const controller = new AbortController();
    let calls = 0;
    const pending = retryTransient(
      async () => {
        calls += 1;
        throw new ProviderError('retry later', { transient: true, retryAfterMs: 60_000 });
      },
      { policy: fast, deadline: Date.now() + 120_000, signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 10);
    const result = await pending;
    assert.equal(calls, 1);
    assert.equal(result.ok, false);
  });
});
