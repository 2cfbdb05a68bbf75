/**
 * Access tokens of `POST /api/v1/authorize`. Opaque random strings held in memory with
 * their client and expiry. One token initiates one session (docs/provider.md); it stays valid
 * for details, status and cancel until it expires.
 */

import { auth as basicAuth } from 'hono/utils/basic-auth';

export interface TokenGrant {
  readonly clientId: string;
  /** Epoch ms after which the token is refused. */
  readonly expiresAt: number;
  /** The session this token initiated, once it has. */
  initiatedSessionId?: string;
}

/** Bounds memory when a client authorizes in a loop: the oldest tokens go first. */
const MAX_LIVE_TOKENS = 10_000;

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `sbx_${btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

export class TokenStore {
  readonly #grants = new Map<string, TokenGrant>();

  constructor(private readonly now: () => number) {}

  /** Issues a token that stops working after `lifetimeSeconds`. */
  issue(clientId: string, lifetimeSeconds: number): string {
    this.prune();
    while (this.#grants.size >= MAX_LIVE_TOKENS) {
      const oldest = this.#grants.keys().next().value;
      if (oldest === undefined) break;
      this.#grants.delete(oldest);
    }
    const token = randomToken();
    this.#grants.set(token, { clientId, expiresAt: this.now() + lifetimeSeconds * 1000 });
    return token;
  }

  /** The live grant of a token, or undefined for an unknown or expired one. */
  find(token: string): TokenGrant | undefined {
    const grant = this.#grants.get(token);
    if (!grant) return undefined;
    if (this.now() >= grant.expiresAt) {
      this.#grants.delete(token);
      return undefined;
    }
    return grant;
  }

  /** Drops expired tokens. */
  prune(): void {
    const now = this.now();
    for (const [token, grant] of this.#grants) if (now >= grant.expiresAt) this.#grants.delete(token);
  }

  /** Revokes every token, as if they all expired now. Returns how many were live. */
  revokeAll(): number {
    this.prune();
    const count = this.#grants.size;
    this.#grants.clear();
    return count;
  }

  get size(): number {
    return this.#grants.size;
  }
}

/** Compares two strings in time that depends on their lengths only. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  let difference = left.length ^ right.length;
  for (let i = 0; i < left.length; i++) difference |= left[i]! ^ (right[i % Math.max(right.length, 1)] ?? 0);
  return difference === 0;
}

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * Credentials from `Authorization: Basic …` (parsed by Hono), or else from the form fields
 * `Username` and `Password`. A Basic header that does not parse is no credentials at all:
 * the form does not stand in for it.
 */
export function readClientCredentials(request: Request, form: URLSearchParams): ClientCredentials | undefined {
  if (/^\s*basic(\s|$)/i.test(request.headers.get('authorization') ?? '')) {
    const basic = basicAuth(request);
    return basic && { clientId: basic.username, clientSecret: basic.password };
  }
  const username = form.get('Username');
  const password = form.get('Password');
  if (username === null || password === null) return undefined;
  return { clientId: username, clientSecret: password };
}

/** The bearer token of an `Authorization` header, or undefined. */
export function readBearerToken(authorization: string | null): string | undefined {
  const match = /^bearer\s+(\S{1,2048})\s*$/i.exec(authorization ?? '');
  return match ? match[1] : undefined;
}
