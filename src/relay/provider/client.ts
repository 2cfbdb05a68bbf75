/**
 * HTTP client for the provider's session API (docs/provider.md). It authenticates, bounds every
 * request with a timeout, re-authorizes once on a 401, and turns transport failures into
 * ProviderError. It does not retry and does not interpret statuses: callers decide what a
 * 400 or 404 means for them. No credential or token ever reaches an error message.
 */

import { isProblemDetails, type ProblemDetails } from '../../protocol/problem.js';
import { AccessTokenCache, type AccessToken } from './access-token.js';
import { parseRetryAfterMs } from '../backoff.js';
import { utf8ToBase64 } from '../base64url.js';
import { isTransientHttpStatus, ProviderError } from './error.js';
import { boundedSignal, type AbortLike } from '../abort.js';

export interface ProviderCredentials {
  /** The provider's base URL, e.g. https://payments-uat.flinksapp.com or the sandbox's URL. */
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface ProviderReply {
  readonly httpStatus: number;
  /** Parsed JSON, or undefined for an empty or non-JSON body. */
  readonly body: unknown;
  readonly retryAfterMs: number | undefined;
}

export interface ProviderClientOptions {
  readonly credentials: ProviderCredentials;
  /** Bound on each HTTP request to the provider. */
  readonly requestTimeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

export const DEFAULT_PROVIDER_TIMEOUT_MS = 5000;
const DEFAULT_TOKEN_LIFETIME_SECONDS = 60;

/**
 * The network error's code (`ECONNREFUSED`, `UND_ERR_CONNECT_TIMEOUT`, …), never its message:
 * fetch's own messages can quote a request header, the Authorization header among them
 * (`Headers.append: "Bearer …" is an invalid header value`), and this text reaches the logs.
 */
function describeNetworkError(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'unknown error';
}

export function problemOf(reply: ProviderReply): ProblemDetails | undefined {
  return isProblemDetails(reply.body) ? reply.body : undefined;
}

/** A ProviderError for an unexpected answer; the message names status and problem title only. */
export function errorFromReply(what: string, reply: ProviderReply): ProviderError {
  const problem = problemOf(reply);
  const title = problem ? `: ${problem.title}${problem.detail ? ` (${problem.detail})` : ''}` : '';
  return new ProviderError(`${what}: provider answered HTTP ${reply.httpStatus}${title}`, {
    httpStatus: reply.httpStatus,
    transient: isTransientHttpStatus(reply.httpStatus),
    ...(reply.retryAfterMs === undefined ? {} : { retryAfterMs: reply.retryAfterMs }),
    ...(problem ? { problem } : {}),
  });
}

function readAccessToken(body: unknown): AccessToken | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { access_token: accessToken, expires_in: expiresIn } = body as Record<string, unknown>;
  // A token that could not travel in a header (RFC 6750's token68 characters) is as good as none.
  if (typeof accessToken !== 'string' || !/^[\w.~+/-]+=*$/.test(accessToken)) return undefined;
  const seconds = Number(expiresIn);
  return {
    accessToken,
    expiresInSeconds: Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_TOKEN_LIFETIME_SECONDS,
  };
}

export class ProviderClient {
  readonly #credentials: ProviderCredentials;
  readonly #baseUrl: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #tokens: AccessTokenCache;

  constructor(options: ProviderClientOptions) {
    this.#credentials = options.credentials;
    this.#baseUrl = options.credentials.url.endsWith('/') ? options.credentials.url : `${options.credentials.url}/`;
    this.#timeoutMs = options.requestTimeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;
    // Bound late so a test or runtime that replaces globalThis.fetch after import is honoured.
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#tokens = new AccessTokenCache(() => this.authorize(), options.now);
  }

  /** A new access token. The cached one is used for everything except initiating a session. */
  async authorize(): Promise<AccessToken> {
    const { clientId, clientSecret } = this.#credentials;
    const reply = await this.#send('POST', 'api/v1/authorize', {
      headers: {
        authorization: `Basic ${utf8ToBase64(`${clientId}:${clientSecret}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    if (reply.httpStatus >= 400 && reply.httpStatus < 500 && !isTransientHttpStatus(reply.httpStatus)) {
      throw new ProviderError(`the provider refused the client credentials (HTTP ${reply.httpStatus})`, {
        httpStatus: reply.httpStatus,
        transient: false,
      });
    }
    if (reply.httpStatus !== 200) throw errorFromReply('authorize', reply);
    const token = readAccessToken(reply.body);
    if (!token) throw new ProviderError('authorize: the provider answered without an access token', { transient: true });
    return token;
  }

  /** `POST /api/v2/sessions`. One token initiates one session, so this always authorizes anew. */
  async initiateSession(request: unknown, signal?: AbortSignal): Promise<ProviderReply> {
    const body = JSON.stringify(request);
    const send = async () =>
      this.#send('POST', 'api/v2/sessions', { token: (await this.authorize()).accessToken, body, json: true, signal });
    const reply = await send();
    return reply.httpStatus === 401 ? send() : reply;
  }

  /** `POST /api/v2/sessions/{id}/cancel` (no body). */
  cancelSession(sessionId: string, signal?: AbortLike): Promise<ProviderReply> {
    return this.#withToken('POST', `api/v2/sessions/${encodeURIComponent(sessionId)}/cancel`, signal);
  }

  /** `GET /api/v2/sessions/{id}/status`, with the Bearer token (docs/provider.md decision). */
  sessionStatus(sessionId: string, signal?: AbortLike): Promise<ProviderReply> {
    return this.#withToken('GET', `api/v2/sessions/${encodeURIComponent(sessionId)}/status`, signal);
  }

  /** Sends with the cached token; on a 401 forgets it and tries once more with a fresh one. */
  async #withToken(method: string, path: string, signal: AbortLike | undefined): Promise<ProviderReply> {
    const token = await this.#tokens.get();
    const reply = await this.#send(method, path, { token, signal });
    if (reply.httpStatus !== 401) return reply;
    this.#tokens.invalidate(token);
    return this.#send(method, path, { token: await this.#tokens.get(), signal });
  }

  async #send(
    method: string,
    path: string,
    options: {
      token?: string;
      body?: string;
      json?: boolean;
      headers?: Record<string, string>;
      signal?: AbortLike | undefined;
    },
  ): Promise<ProviderReply> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.json) headers['content-type'] = 'application/json';
    const bounded = boundedSignal(this.#timeoutMs, options.signal);
    const { signal } = bounded;
    const what = `${method} /${path}`;
    try {
      const response = await this.#fetch(new URL(path, this.#baseUrl), {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: options.body }),
        signal,
        // Never followed (it would carry the credentials elsewhere). 'manual', not 'error':
        // Cloudflare's workerd accepts only 'follow' and 'manual'.
        redirect: 'manual',
      });
      // Browsers show a manual redirect as an opaque status 0, server runtimes as the 3xx.
      if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
        await response.body?.cancel();
        throw new ProviderError(`${what}: the provider answered with a redirect (HTTP ${response.status}), never followed: check the provider URL`, {
          httpStatus: response.status,
          transient: false,
        });
      }
      const text = await response.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      return { httpStatus: response.status, body, retryAfterMs: parseRetryAfterMs(response.headers.get('retry-after')) };
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      if (bounded.timedOut()) {
        throw new ProviderError(`${what}: the provider did not answer within ${this.#timeoutMs} ms`, { transient: true });
      }
      if (options.signal?.aborted) throw new ProviderError(`${what}: aborted`, { transient: true, cause: error });
      throw new ProviderError(`${what}: could not reach the provider (${describeNetworkError(error)})`, {
        transient: true,
      });
    } finally {
      bounded.dispose();
    }
  }
}
