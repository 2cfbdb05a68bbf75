/**
 * Fixed-window request counter per key (client IP, session id). In memory and per instance:
 * it stops floods hitting one instance, which is its job; a shared limit across instances
 * belongs in the load balancer or WAF in front of the relay.
 */

import { BoundedMap } from '../bounded-map.js';

export interface RateLimit {
  /** Requests allowed per window. */
  readonly limit: number;
  readonly windowMs: number;
}

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

export interface RateLimiter {
  /** Counts one request for `key` and says whether it is within the budget. */
  take(key: string): RateDecision;
  /** Whether `key` still has budget, without counting anything. */
  check(key: string): RateDecision;
}

export function createRateLimiter(
  { limit, windowMs }: RateLimit,
  { now = Date.now, maxKeys = 50_000 }: { now?: () => number; maxKeys?: number } = {},
): RateLimiter {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('rate limit must be a positive integer');
  if (!(windowMs > 0)) throw new RangeError('rate limit window must be positive');
  const windows = new BoundedMap<string, { start: number; count: number }>(maxKeys, now);
  return {
    check(key) {
      const time = now();
      const current = windows.get(key);
      if (!current || current.count < limit) return { allowed: true };
      return { allowed: false, retryAfterMs: Math.max(1, current.start + windowMs - time) };
    },
    take(key) {
      const time = now();
      const current = windows.get(key);
      if (!current) {
        windows.set(key, { start: time, count: 1 }, time + windowMs);
        return { allowed: true };
      }
      if (current.count >= limit) return { allowed: false, retryAfterMs: Math.max(1, current.start + windowMs - time) };
      current.count += 1;
      return { allowed: true };
    },
  };
}

/** A limiter that allows everything, for `rateLimit: false`. */
export const UNLIMITED: RateLimiter = { take: () => ({ allowed: true }), check: () => ({ allowed: true }) };
