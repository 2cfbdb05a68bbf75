/**
 * The provider access token, cached until shortly before `expires_in` runs out. Concurrent
 * callers share one authorize call, so a burst of cancels after a quiet spell costs one
 * round trip to /api/v1/authorize, not one per cancel.
 */

export interface AccessToken {
  readonly accessToken: string;
  /** Lifetime the provider announced, in seconds. */
  readonly expiresInSeconds: number;
}

/** Refresh this long before expiry: a tenth of the lifetime, at most 30 s (clock skew, slow calls). */
export function refreshMarginMs(lifetimeMs: number): number {
  return Math.min(30_000, lifetimeMs / 10);
}

export class AccessTokenCache {
  #current: { token: string; refreshAt: number } | undefined;
  #pending: Promise<string> | undefined;

  constructor(
    private readonly authorize: () => Promise<AccessToken>,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<string> {
    const current = this.#current;
    if (current && this.now() < current.refreshAt) return Promise.resolve(current.token);
    this.#pending ??= this.#refresh();
    return this.#pending;
  }

  /** Forgets a token the provider refused; a token already replaced by a newer one is kept. */
  invalidate(token: string): void {
    if (this.#current?.token === token) this.#current = undefined;
  }

  async #refresh(): Promise<string> {
    try {
      const startedAt = this.now();
      const { accessToken, expiresInSeconds } = await this.authorize();
      const lifetimeMs = expiresInSeconds * 1000;
      this.#current = { token: accessToken, refreshAt: startedAt + lifetimeMs - refreshMarginMs(lifetimeMs) };
      return accessToken;
    } finally {
      this.#pending = undefined;
    }
  }
}
