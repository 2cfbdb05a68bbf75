import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedMap } from '../../src/relay/bounded-map.js';
import { createRateLimiter } from '../../src/relay/http/rate-limiter.js';

describe('rate limiter', () => {
  test('allows `limit` requests per window and key, then says when to come back', () => {
    let now = 1000;
    const limiter = createRateLimiter({ limit: 3, windowMs: 1000 }, { now: () => now });
    assert.deepEqual([1, 2, 3].map(() => limiter.take('a').allowed), [true, true, true]);
    now = 1400;
    assert.deepEqual(limiter.take('a'), { allowed: false, retryAfterMs: 600 });
    assert.equal(limiter.take('b').allowed, true, 'keys are independent');
    now = 2000;
    assert.equal(limiter.take('a').allowed, true, 'a new window starts');
  });

  test('memory stays bounded under many keys', () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000 }, { maxKeys: 10 });
    for (let i = 0; i < 1000; i++) limiter.take(`ip-${i}`);
    // The oldest keys were forgotten, so they are allowed again: safe, and memory did not grow.
    assert.equal(limiter.take('ip-0').allowed, true);
    assert.equal(limiter.take('ip-999').allowed, false);
  });

  test('bad limits are refused', () => {
    assert.throws(() => createRateLimiter({ limit: 0, windowMs: 1000 }), RangeError);
    assert.throws(() => createRateLimiter({ limit: 1, windowMs: 0 }), RangeError);
  });
});

describe('BoundedMap', () => {
  test('entries expire and the oldest go first beyond the size', () => {
    let now = 0;
    const map = new BoundedMap<string, number>(2, () => now);
    map.set('a', 1, 100);
    map.set('b', 2, 50);
    now = 60;
    assert.equal(map.get('b'), undefined);
    map.set('c', 3, 100);
    map.set('d', 4, 100);
    assert.equal(map.get('a'), undefined);
    assert.deepEqual([map.get('c'), map.get('d')], [3, 4]);
  });

  test('entries() lists the live ones, oldest write first, and leaves out the expired', () => {
    let now = 0;
    const map = new BoundedMap<string, number>(10, () => now);
    map.set('a', 1, 100);
    map.set('b', 2, 50);
    map.set('c', 3, 100);
    map.set('a', 4, 100); // a re-set moves to the newest end
    now = 60;
    assert.deepEqual(map.entries(), [['c', 3], ['a', 4]]);
  });
});
