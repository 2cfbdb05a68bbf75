/**
 * `createSession`: what a merchant backend calls when a shopper reaches checkout. It
 * authorizes, initiates the session at the provider and mints the cancel token, and returns
 * exactly what the page hands to `<bank-pay-session>`. The client secret stays on the server.
 */

import { isSessionId } from '../protocol/session-id.js';
import { mintCancelToken } from './cancel-token.js';
import type { InitiateSessionRequest } from '../protocol/initiate-request.js';
import { assertStrongTokenKey } from './key-strength.js';
import { providerUrlProblem } from './options.js';
import { errorFromReply, ProviderClient, type ProviderCredentials } from './provider/client.js';
import { ProviderError } from './provider/error.js';

export interface CreateSessionOptions {
  readonly provider: ProviderCredentials;
  /** The relay's signing key (the first of its `tokenKeys`). */
  readonly tokenKey: string;
  readonly request: InitiateSessionRequest;
  /**
   * The provider's onboarding timeout for this session: the cancel token expires with it.
   * Default 15 minutes (the sandbox's default; ask your provider for yours).
   */
  readonly sessionTimeoutMs?: number;
  /** Hosted-flow URL for a session. Default `${provider.url}/app/?sessionId=…`. */
  readonly hostedFlowUrl?: (sessionId: string) => string;
  /** Bound on each request to the provider. Default 10 s. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  /**
   * Registers the new session in the relay's lease ledger (`relay.track`), so a session whose
   * page never comes alive is cleaned up too. Its failure never fails the session.
   */
  readonly track?: (session: CreatedSession) => Promise<unknown>;
}

/** Everything the checkout page needs; nothing in it is secret from the shopper. */
export interface CreatedSession {
  readonly sessionId: string;
  readonly referenceId: string;
  /** The hosted flow URL: the element's `src`. */
  readonly url: string;
  /** The element's `cancel-token`. */
  readonly cancelToken: string;
  /** ISO time the session (and its token) expires: the element's `expires-at`. */
  readonly expiresAt: string;
}

export const DEFAULT_SESSION_TIMEOUT_MS = 15 * 60_000;

function defaultHostedFlowUrl(providerUrl: string): (sessionId: string) => string {
  return (sessionId) => {
    const url = new URL('app/', providerUrl.endsWith('/') ? providerUrl : `${providerUrl}/`);
    url.searchParams.set('sessionId', sessionId);
    return url.toString();
  };
}

export async function createSession(options: CreateSessionOptions): Promise<CreatedSession> {
  // Checked before any provider call, so a misconfiguration never leaves an orphan session.
  assertStrongTokenKey(options.tokenKey, 'tokenKey');
  const urlProblem = providerUrlProblem(options.provider?.url);
  if (urlProblem) throw new TypeError(`provider.url ${urlProblem}`);
  const timeoutMs = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError('sessionTimeoutMs must be a positive number');

  // The provider's clock starts when it creates the session; starting ours before the call
  // keeps the token's expiry at or before the session's.
  const expiresAt = Date.now() + timeoutMs;
  const client = new ProviderClient({
    credentials: options.provider,
    requestTimeoutMs: options.timeoutMs ?? 10_000,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  // Not retried: a timed-out initiate may have created a session, and a second one would be
  // an orphan the shopper never sees. The page can simply ask again.
  const reply = await client.initiateSession({ currency: 'CAD', ...options.request });
  if (reply.httpStatus !== 200 && reply.httpStatus !== 201) throw errorFromReply('initiate session', reply);
  const body = (typeof reply.body === 'object' && reply.body !== null ? reply.body : {}) as Record<string, unknown>;
  const { sessionId } = body;
  if (!isSessionId(sessionId)) {
    throw new ProviderError('initiate session: the provider answered without a session id', { transient: false });
  }
  const referenceId = typeof body.referenceId === 'string' ? body.referenceId : options.request.referenceId;
  const created: CreatedSession = {
    sessionId,
    referenceId,
    url: (options.hostedFlowUrl ?? defaultHostedFlowUrl(options.provider.url))(sessionId),
    cancelToken: await mintCancelToken({ sessionId, expiresAt }, options.tokenKey),
    expiresAt: new Date(expiresAt).toISOString(),
  };
  await options.track?.(created).catch(() => undefined);
  return created;
}
