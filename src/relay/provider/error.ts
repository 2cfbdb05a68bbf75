/** What went wrong talking to the provider, and whether trying again can help. */

import type { ProblemDetails } from '../../protocol/problem.js';

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  /** The provider's HTTP status; undefined for network errors and timeouts. */
  readonly httpStatus: number | undefined;
  /** True when the same request may succeed later: network errors, timeouts, 408, 429, 5xx. */
  readonly transient: boolean;
  /** The provider's Retry-After, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  readonly problem: ProblemDetails | undefined;

  constructor(
    message: string,
    details: { httpStatus?: number; transient: boolean; retryAfterMs?: number; problem?: ProblemDetails; cause?: unknown },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.httpStatus = details.httpStatus;
    this.transient = details.transient;
    this.retryAfterMs = details.retryAfterMs;
    this.problem = details.problem;
  }
}

/** Statuses worth retrying: the request was not handled, or the provider asked us to come back. */
export function isTransientHttpStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
