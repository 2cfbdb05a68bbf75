/**
 * The relay's options, their defaults, and the checks that refuse a weak or incomplete
 * configuration before the relay serves a single request. Error messages name the setting
 * and the problem, never the value.
 */

import type { Context } from 'hono';
import { MIN_INTENT_GRACE_MS } from '../protocol/cancel-request.js';
import type { BackoffPolicy } from './backoff.js';
import { createMemoryIntentStore, type IntentStore } from './intent-store.js';
import { tokenKeyWeakness } from './key-strength.js';
import type { ProviderCredentials } from './provider-client.js';
import type { RateLimit } from './rate-limiter.js';
import type { StatusChangeHandler } from './webhook-receiver.js';

export interface RelayOptions {
  /** The provider and this merchant's API client; the secret never leaves the relay. */
  readonly provider: ProviderCredentials;
  /** Cancel-token keys, each at least 32 random bytes: the first signs, all verify (rotation). */
  readonly tokenKeys: readonly string[];
  /** Exact origins of the checkout pages (`https://shop.example`); others are refused. */
  readonly allowedOrigins: readonly string[];
  /** The provider's webhook secret; without it `POST {basePath}/webhooks` answers 404. */
  readonly webhookSecret?: string;
  /** Called once per new webhook event (deduplicated on session id + status). */
  readonly onStatusChange?: StatusChangeHandler;
  /** Receives one structured line per cancel (audit) and per notable event. Default: JSON on stdout. */
  readonly log?: (line: Record<string, unknown>) => void;
  /** Where the routes live. Default `/bank-pay`. */
  readonly basePath?: string;
  /** Longest a cancel answer waits for the provider before saying `failed` + `retrying`. Default 4000. */
  readonly answerWithinMs?: number;
  /** Timeout of each request to the provider. Default 5000. */
  readonly providerTimeoutMs?: number;
  /** Backoff between retries (full jitter). Default base 250 ms, ceiling 30 s. */
  readonly backoff?: Partial<BackoffPolicy>;
  /** Longest a cancel is retried, even if its token lives longer. Default 30 minutes. */
  readonly maxRetryWindowMs?: number;
  /** Per-client-IP and per-session limits, or `false` to leave limiting to the infrastructure. */
  readonly rateLimit?: false | { readonly perClientIp?: RateLimit; readonly perSession?: RateLimit };
  /** How far a webhook's `when` may be from now. Default 5 minutes. */
  readonly webhookToleranceMs?: number;
  /**
   * Header holding the client IP when the relay sits behind a proxy you control
   * (`x-forwarded-for`: its last entry is used; `cf-connecting-ip`, `x-real-ip`, ...).
   * Without it the socket address is used on Node, and per-IP limiting is skipped elsewhere.
   */
  readonly clientIpHeader?: string;
  /** Full control over the client IP used for rate limiting; wins over `clientIpHeader`. */
  readonly clientIp?: (c: Context) => string | undefined;
  /**
   * Keeps background retries alive on serverless runtimes after the answer is sent, e.g.
   * Cloudflare's `ctx.waitUntil`. Default: Hono's `c.executionCtx.waitUntil` when there is one.
   */
  readonly waitUntil?: (promise: Promise<unknown>) => void;
  /** The fetch used to reach the provider (instrumentation, tests). */
  readonly fetch?: typeof fetch;
  /**
   * The two-phase cancel (intent on beforeunload, confirm on pagehide, revoke when the page
   * stays). Default: intents held in this instance's memory, acted on after a 3 s grace.
   * Several instances need a shared store (`bank-pay-session/relay/redis`). `false` answers
   * intents and revokes with a 400, as a relay without the feature would.
   */
  readonly intents?: false | IntentOptions;
}

export interface IntentOptions {
  /** Where pending intents live. Default: this instance's memory (`createMemoryIntentStore()`). */
  readonly store?: IntentStore;
  /**
   * How long an intent waits for its confirm or revoke before the relay cancels. Default 3000;
   * at least 2000, since the element revokes 1 s after its intent when the page stays.
   */
  readonly graceMs?: number;
  /** How often a shared store is polled for intents whose grace ended elsewhere. Default 1000. */
  readonly pollIntervalMs?: number;
  /** Longest one store call may take; past it the request is answered `failed`. Default 1000. */
  readonly storeTimeoutMs?: number;
}

export interface ResolvedIntentOptions {
  readonly store: IntentStore;
  readonly graceMs: number;
  readonly pollIntervalMs: number;
  readonly storeTimeoutMs: number;
}

export interface ResolvedRelayOptions {
  readonly provider: ProviderCredentials;
  readonly tokenKeys: readonly string[];
  readonly allowedOrigins: ReadonlySet<string>;
  readonly webhookSecret: string | undefined;
  readonly onStatusChange: StatusChangeHandler | undefined;
  readonly log: (line: Record<string, unknown>) => void;
  readonly basePath: string;
  readonly answerWithinMs: number;
  readonly providerTimeoutMs: number;
  readonly backoff: BackoffPolicy;
  readonly maxRetryWindowMs: number;
  readonly rateLimit: false | { readonly perClientIp: RateLimit; readonly perSession: RateLimit };
  readonly webhookToleranceMs: number;
  readonly clientIp: ((c: Context) => string | undefined) | undefined;
  readonly clientIpHeader: string | undefined;
  readonly waitUntil: ((promise: Promise<unknown>) => void) | undefined;
  readonly fetch: typeof fetch | undefined;
  readonly intents: ResolvedIntentOptions | false;
}

export const DEFAULTS = {
  basePath: '/bank-pay',
  answerWithinMs: 4000,
  providerTimeoutMs: 5000,
  backoff: { baseDelayMs: 250, maxDelayMs: 30_000 },
  maxRetryWindowMs: 30 * 60_000,
  // A checkout sends one cancel and a few status checks; many shoppers may share one NAT address.
  perClientIp: { limit: 120, windowMs: 60_000 },
  perSession: { limit: 20, windowMs: 60_000 },
  webhookToleranceMs: 5 * 60_000,
  // Firefox loses most pagehide beacons on a tab close, so its cancels land when the grace
  // ends: short enough for that, long enough for the element's revoke (1 s) plus the trip.
  intentGraceMs: 3000,
  intentPollIntervalMs: 1000,
  intentStoreTimeoutMs: 1000,
} as const;

/** Thrown for a missing, malformed or weak setting; lists every problem at once. */
export class RelayConfigError extends Error {
  override readonly name = 'RelayConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`The relay is not configured correctly:\n  - ${problems.join('\n  - ')}`);
  }
}

export function defaultLog(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line));
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why a provider base URL is unusable, or undefined. Plain http only on loopback (the sandbox). */
export function providerUrlProblem(url: unknown): string | undefined {
  if (typeof url !== 'string' || url.trim() === '') return 'is missing';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.username || parsed.password) return 'must not contain credentials';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname)) return undefined;
  return 'must be an https:// URL (plain http is accepted only for localhost)';
}

/** The canonical form of an allowed origin, or a problem description. */
export function normalizeOrigin(origin: string): { origin: string } | { problem: string } {
  const text = origin.trim().replace(/\/$/, '');
  if (text === '*') return { problem: 'may not be "*": list the exact checkout origins' };
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return { problem: `"${text.slice(0, 80)}" is not an origin such as https://shop.example` };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return { problem: `"${text.slice(0, 80)}" must use http or https` };
  }
  if (parsed.pathname !== '/' || parsed.search || parsed.hash || parsed.username || parsed.password) {
    return { problem: `"${text.slice(0, 80)}" must be an origin only (scheme://host[:port]), without a path` };
  }
  return { origin: parsed.origin };
}

function positive(value: number | undefined, fallback: number, name: string, problems: string[]): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) problems.push(`${name} must be a positive number`);
  return value;
}

function rateLimitProblem(limit: RateLimit, name: string): string | undefined {
  if (!Number.isInteger(limit.limit) || limit.limit < 1 || !(limit.windowMs > 0)) {
    return `${name} must have a positive integer limit and a positive windowMs`;
  }
  return undefined;
}

export function resolveRelayOptions(options: RelayOptions): ResolvedRelayOptions {
  const problems: string[] = [];
  const provider = options.provider ?? ({} as Partial<ProviderCredentials>);
  const urlProblem = providerUrlProblem(provider.url);
  if (urlProblem) problems.push(`provider.url ${urlProblem}`);
  if (typeof provider.clientId !== 'string' || provider.clientId === '') problems.push('provider.clientId is missing');
  if (typeof provider.clientSecret !== 'string' || provider.clientSecret === '') problems.push('provider.clientSecret is missing');

  const tokenKeys = Array.isArray(options.tokenKeys) ? options.tokenKeys : [];
  if (tokenKeys.length === 0) problems.push('tokenKeys needs at least one key');
  tokenKeys.forEach((key, index) => {
    const weakness = tokenKeyWeakness(key);
    if (weakness) problems.push(`tokenKeys[${index}] ${weakness}`);
  });

  const allowedOrigins = new Set<string>();
  const origins = Array.isArray(options.allowedOrigins) ? options.allowedOrigins : [];
  if (origins.length === 0) problems.push('allowedOrigins needs at least one origin (the checkout page origin)');
  for (const origin of origins) {
    const normalized = normalizeOrigin(String(origin));
    if ('problem' in normalized) problems.push(`allowedOrigins: ${normalized.problem}`);
    else allowedOrigins.add(normalized.origin);
  }

  if (options.webhookSecret !== undefined && (typeof options.webhookSecret !== 'string' || options.webhookSecret === '')) {
    problems.push('webhookSecret is empty');
  }
  const basePath = options.basePath ?? DEFAULTS.basePath;
  if (!/^(\/[A-Za-z0-9._~-]+)*$/.test(basePath)) problems.push('basePath must look like /bank-pay (no trailing slash)');

  const answerWithinMs = positive(options.answerWithinMs, DEFAULTS.answerWithinMs, 'answerWithinMs', problems);
  const providerTimeoutMs = positive(options.providerTimeoutMs, DEFAULTS.providerTimeoutMs, 'providerTimeoutMs', problems);
  const backoff = {
    baseDelayMs: positive(options.backoff?.baseDelayMs, DEFAULTS.backoff.baseDelayMs, 'backoff.baseDelayMs', problems),
    maxDelayMs: positive(options.backoff?.maxDelayMs, DEFAULTS.backoff.maxDelayMs, 'backoff.maxDelayMs', problems),
  };
  const maxRetryWindowMs = positive(options.maxRetryWindowMs, DEFAULTS.maxRetryWindowMs, 'maxRetryWindowMs', problems);
  const webhookToleranceMs = positive(options.webhookToleranceMs, DEFAULTS.webhookToleranceMs, 'webhookToleranceMs', problems);

  let rateLimit: ResolvedRelayOptions['rateLimit'] = false;
  if (options.rateLimit !== false) {
    rateLimit = {
      perClientIp: options.rateLimit?.perClientIp ?? DEFAULTS.perClientIp,
      perSession: options.rateLimit?.perSession ?? DEFAULTS.perSession,
    };
    for (const [name, limit] of Object.entries(rateLimit)) {
      const problem = rateLimitProblem(limit, `rateLimit.${name}`);
      if (problem) problems.push(problem);
    }
  }

  const intents = resolveIntentOptions(options.intents, problems);

  if (problems.length > 0) throw new RelayConfigError(problems);
  return {
    provider: { url: provider.url!, clientId: provider.clientId!, clientSecret: provider.clientSecret! },
    tokenKeys: [...tokenKeys],
    allowedOrigins,
    webhookSecret: options.webhookSecret,
    onStatusChange: options.onStatusChange,
    log: options.log ?? defaultLog,
    basePath,
    answerWithinMs,
    providerTimeoutMs,
    backoff,
    maxRetryWindowMs,
    rateLimit,
    webhookToleranceMs,
    clientIp: options.clientIp,
    clientIpHeader: options.clientIpHeader?.trim().toLowerCase() || undefined,
    waitUntil: options.waitUntil,
    fetch: options.fetch,
    intents,
  };
}

function resolveIntentOptions(options: false | IntentOptions | undefined, problems: string[]): ResolvedIntentOptions | false {
  if (options === false) return false;
  const graceMs = positive(options?.graceMs, DEFAULTS.intentGraceMs, 'intents.graceMs', problems);
  if (graceMs < MIN_INTENT_GRACE_MS) {
    problems.push(`intents.graceMs must be at least ${MIN_INTENT_GRACE_MS}: the element revokes an intent ${MIN_INTENT_GRACE_MS / 2} ms after it when the page stays`);
  }
  const store = options?.store;
  if (store !== undefined && (typeof store.apply !== 'function' || typeof store.due !== 'function')) {
    problems.push('intents.store must be an intent store (createMemoryIntentStore, createRedisIntentStore)');
  }
  const pollIntervalMs = options?.pollIntervalMs ?? DEFAULTS.intentPollIntervalMs;
  if (typeof pollIntervalMs !== 'number' || !Number.isFinite(pollIntervalMs) || pollIntervalMs < 0) {
    problems.push('intents.pollIntervalMs must be 0 (no polling) or a positive number');
  }
  return {
    // One memory store per relay: "memory" means this instance's own.
    store: store ?? createMemoryIntentStore(),
    graceMs,
    pollIntervalMs,
    storeTimeoutMs: positive(options?.storeTimeoutMs, DEFAULTS.intentStoreTimeoutMs, 'intents.storeTimeoutMs', problems),
  };
}
