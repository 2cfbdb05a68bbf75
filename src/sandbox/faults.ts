/**
 * Fault injection for the provider API (`/api/*` only), so a client's retry logic meets
 * real behaviour: added latency, a share of 500/503 answers, deterministic counts of
 * failures and 429s, and tokens that die before their advertised `expires_in`.
 * An injected error answers before the request is handled: nothing changes. Latency is added
 * after handling: the provider has acted, its answer is late.
 */

import { isPlainObject } from './body.js';
import type { FieldError } from './problem.js';

export interface Faults {
  /** Added to every /api answer after the request was handled, in ms. */
  readonly latencyMs: number;
  /** Share of /api requests answered `errorStatus`, 0..1. */
  readonly errorRate: number;
  readonly errorStatus: 500 | 503;
  /** The next N /api requests are answered `errorStatus`. */
  readonly failNext: number;
  /** The next N /api requests are answered 429 with `Retry-After`. */
  readonly rateLimitNext: number;
  readonly retryAfterSeconds: number;
  /** When set, tokens issued from now on stop working after this many seconds, whatever `expires_in` says. */
  readonly tokenLifetimeSeconds: number | null;
}

export const NO_FAULTS: Faults = {
  latencyMs: 0,
  errorRate: 0,
  errorStatus: 503,
  failNext: 0,
  rateLimitNext: 0,
  retryAfterSeconds: 1,
  tokenLifetimeSeconds: null,
};

export type FaultDecision =
  | { readonly kind: 'pass' }
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds: number }
  | { readonly kind: 'error'; readonly status: 500 | 503 };

/**
 * What to do with the next /api request, and the faults left afterwards. Counts are used
 * before the random rate so tests can rely on them: rate limits first, then failures.
 */
export function decideFault(faults: Faults, random: () => number): { decision: FaultDecision; next: Faults } {
  if (faults.rateLimitNext > 0) {
    return {
      decision: { kind: 'rate-limit', retryAfterSeconds: faults.retryAfterSeconds },
      next: { ...faults, rateLimitNext: faults.rateLimitNext - 1 },
    };
  }
  if (faults.failNext > 0) {
    return { decision: { kind: 'error', status: faults.errorStatus }, next: { ...faults, failNext: faults.failNext - 1 } };
  }
  if (faults.errorRate > 0 && random() < faults.errorRate) {
    return { decision: { kind: 'error', status: faults.errorStatus }, next: faults };
  }
  return { decision: { kind: 'pass' }, next: faults };
}

type NumberRule = { readonly min: number; readonly max: number; readonly integer: boolean };

const RULES: Readonly<Record<Exclude<keyof Faults, 'errorStatus'>, NumberRule>> = {
  latencyMs: { min: 0, max: 60_000, integer: true },
  errorRate: { min: 0, max: 1, integer: false },
  failNext: { min: 0, max: 10_000, integer: true },
  rateLimitNext: { min: 0, max: 10_000, integer: true },
  retryAfterSeconds: { min: 0, max: 86_400, integer: true },
  tokenLifetimeSeconds: { min: 0, max: 86_400, integer: true },
};

export type FaultsValidation = { readonly ok: true; readonly value: Faults } | { readonly ok: false; readonly errors: FieldError[] };

/**
 * Applies a fault request on top of `base`: `PUT` passes `NO_FAULTS` (replace), `PATCH`
 * the current faults (merge). Unknown fields and out-of-range values are refused.
 */
export function applyFaultRequest(base: Faults, body: unknown): FaultsValidation {
  if (!isPlainObject(body)) return { ok: false, errors: [{ field: 'body', message: 'must be a JSON object' }] };
  const errors: FieldError[] = [];
  const next: Record<string, unknown> = { ...base };
  for (const [field, value] of Object.entries(body)) {
    if (field === 'errorStatus') {
      if (value === 500 || value === 503) next.errorStatus = value;
      else errors.push({ field, message: 'must be 500 or 503' });
      continue;
    }
    if (!Object.hasOwn(RULES, field)) {
      errors.push({ field, message: 'is not a known field' });
      continue;
    }
    const rule = RULES[field as keyof typeof RULES];
    if (field === 'tokenLifetimeSeconds' && value === null) {
      next.tokenLifetimeSeconds = null;
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || (rule.integer && !Number.isInteger(value)) || value < rule.min || value > rule.max) {
      errors.push({ field, message: `must be ${rule.integer ? 'an integer' : 'a number'} from ${rule.min} to ${rule.max}` });
      continue;
    }
    next[field] = value;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: next as unknown as Faults };
}
