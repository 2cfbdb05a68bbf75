/**
 * Runs an operation until it succeeds, fails for good, or time runs out. Only errors marked
 * transient are retried; each attempt gets its own timeout through the signal it is given.
 */

import { nextDelayMs, type BackoffPolicy } from './backoff.js';
import type { AbortLike } from './abort.js';
import { ProviderError } from './provider/error.js';

export interface RetryOptions {
  readonly policy: BackoffPolicy;
  /** Epoch ms after which no new attempt starts. */
  readonly deadline: number;
  /** Aborts the wait between attempts and the attempt in flight (graceful-shutdown bound). */
  readonly signal?: AbortLike;
  readonly now?: () => number;
  readonly random?: () => number;
}

export type RetryResult<T> =
  | { readonly ok: true; readonly value: T; readonly attempts: number }
  | { readonly ok: false; readonly error: unknown; readonly attempts: number };

export function isRetryable(error: unknown): boolean {
  return error instanceof ProviderError && error.transient;
}

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortLike): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function retryTransient<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<RetryResult<T>> {
  const now = options.now ?? Date.now;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      return { ok: true, value: await operation(attempts), attempts };
    } catch (error) {
      if (!isRetryable(error) || options.signal?.aborted) return { ok: false, error, attempts };
      const retryAfterMs = error instanceof ProviderError ? error.retryAfterMs : undefined;
      const delay = nextDelayMs(attempts, options.policy, retryAfterMs, options.random);
      if (now() + delay >= options.deadline) return { ok: false, error, attempts };
      await sleep(delay, options.signal);
      if (options.signal?.aborted) return { ok: false, error, attempts };
    }
  }
}
