/** Retry timing: exponential backoff with full jitter, and the provider's Retry-After. Pure. */

export interface BackoffPolicy {
  /** Ceiling of the first wait; each later ceiling doubles. */
  readonly baseDelayMs: number;
  /** The ceiling never grows past this. */
  readonly maxDelayMs: number;
}

/**
 * Full jitter (a uniformly random wait below the exponential ceiling) spreads the retries of
 * many relay instances after a provider outage instead of having them return in waves.
 * `failures` counts the failed attempts so far, starting at 1.
 */
export function fullJitterDelayMs(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/** The wait before the next attempt: never shorter than what the provider asked for. */
export function nextDelayMs(
  failures: number,
  policy: BackoffPolicy,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  return Math.max(retryAfterMs ?? 0, fullJitterDelayMs(failures, policy, random));
}

/** `Retry-After` as delay-seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function parseRetryAfterMs(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date always names a day or month; this keeps Date.parse from reading "-1" as a year.
  if (!/[A-Za-z]/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
