/**
 * The relay's options, their defaults, and the checks that refuse a weak or incomplete
 * configuration before the relay serves a single request. Error messages name the setting
 * and the problem, never the value.
 */

import type { Context } from 'hono';
import { MIN_INTENT_GRACE_MS } from '../protocol/signal-request.js';
import type { BackoffPolicy } from './backoff.js';
import type { LedgerSettings } from './ledger/rules.js';
import { createMemoryLedgerStore, type LedgerStore } from './ledger/store.js';
import { tokenKeyWeakness } from './key-strength.js';
import type { ProviderCredentials } from './provider/client.js';
import type { RateLimit } from './http/rate-limiter.js';
import { resolveTrustProxy, type TrustProxy, type TrustProxySetting } from './http/client-ip.js';
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
  /**
   * Per-client-IP and per-session budgets, or `false` to leave limiting to the infrastructure.
   * Each kind of request has budgets of its own, so heartbeats and revokes never use up what
   * a cancel needs.
   */
  readonly rateLimit?: false | RateLimitOptions;
  /** How far a webhook's `when` may be from now. Default 5 minutes. */
  readonly webhookToleranceMs?: number;
  /**
   * Which proxies in front of the relay are yours, so their client-address header is believed
   * (docs/relay-operations.md, "Client IP"): a number of hops counted from the right of the
   * header (1: one load balancer; 2: a CDN and a load balancer), or the proxies' addresses and
   * ranges (`['10.0.0.0/8', 'loopback']`), as Express's `trust proxy`. Default: none, the socket
   * address is the client. A missing or malformed header falls back to the socket address.
   */
  readonly trustProxy?: TrustProxySetting;
  /**
   * The header the trusted proxies write: `x-forwarded-for` (default), or a one-address header
   * such as `cf-connecting-ip`. Set alone (without `trustProxy`) it trusts one hop, as before.
   */
  readonly clientIpHeader?: string;
  /** Full control over the client IP used for rate limiting; an address it cannot give falls back to the socket's. */
  readonly clientIp?: (c: Context) => string | undefined;
  /** How often refused requests are summarised in the log (one line per kind and interval). Default 60 000. */
  readonly rejectionLogIntervalMs?: number;
  /**
   * Keeps background retries alive on serverless runtimes after the answer is sent, e.g.
   * Cloudflare's `ctx.waitUntil`. Default: Hono's `c.executionCtx.waitUntil` when there is one.
   */
  readonly waitUntil?: (promise: Promise<unknown>) => void;
  /** The fetch used to reach the provider (instrumentation, tests). */
  readonly fetch?: typeof fetch;
  /**
   * The lease ledger (docs/leases.md): the relay holds each live session with a
   * deadline that the page's heartbeats keep moving, and cancels a session whose page went
   * silent (a crash, a killed browser, a lost network). Default: on, in this instance's memory.
   * Several instances MUST share a store (`createRedisLedgerStore` from
   * `bank-pay-session/relay/redis`): with this instance's memory, a page whose heartbeats reach
   * another instance would lapse here. On Cloudflare Workers the default is off (each isolate
   * has its own memory) unless you give a store. `false` answers `POST {basePath}/signals`
   * with 404 and never cancels by itself.
   */
  readonly leases?: false | LeaseOptions;
}

export interface RateLimitOptions {
  /** Cancels and status reads per client address. Default 120 a minute. */
  readonly perClientIp?: RateLimit;
  /** Per session, for each kind (cancel, signals, status) apart. Default 20 a minute. */
  readonly perSession?: RateLimit;
  /**
   * Heartbeats and other lease signals per client address. Default 1200 a minute: a page
   * beats four times a minute, and a refused heartbeat can let a live session's lease lapse,
   * so this budget is for many shoppers behind one address.
   */
  readonly signalsPerClientIp?: RateLimit;
  /**
   * Refused webhook deliveries (bad signature, replay, bad body) per client address; past
   * it, every delivery from that address is answered 429 until the window ends. The
   * provider's own deliveries are never refused, so they never count. Default 30 a minute.
   */
  readonly webhookRefusalsPerClientIp?: RateLimit;
}

export interface LeaseOptions {
  /** Where the entries live. Default: this instance's memory (`createMemoryLedgerStore()`). */
  readonly store?: LedgerStore;
  /** How long a visible page's heartbeat holds its session. Default 60 000; the page beats 4 times per lease. */
  readonly leaseMs?: number;
  /**
   * How long a session is held after its tab was hidden (the shopper may be approving the
   * payment in their bank's app). Default: until the session's own expiry (its token's).
   */
  readonly awayMs?: number;
  /** How long after a `beforeunload` without a leave prompt the relay waits for a revoke. Default 3000, at least 2000. */
  readonly intentGraceMs?: number;
  /** How long a session registered at creation (`relay.track`) waits for its page's first signal. Default 5 minutes. */
  readonly startMs?: number;
  /** Batch cleanup: cancel any session older than this, whatever its page says. Default: none. */
  readonly maxSessionAgeMs?: number;
  /** How often the sweeper looks for passed deadlines. Default 1000. */
  readonly sweepIntervalMs?: number;
  /** A heartbeat's answer reads the provider status at most this often per session. Default half a lease. */
  readonly statusRefreshMs?: number;
  /** Longest one store call may take; past it the session is kept. Default 1000. */
  readonly storeTimeoutMs?: number;
  /**
   * How long a claim holds (a cancel under way, a sweeper's work) before another instance may
   * take it over and finish it: the longest an accepted cancel waits after its instance died.
   * Renewed while the work goes on. Default the lease, at least 30 s.
   */
  readonly claimMs?: number;
}

/** Every option with its default applied (and the lease settings resolved for the ledger's rules). */
export type ResolvedRelayOptions = Required<
  Omit<RelayOptions, 'webhookSecret' | 'onStatusChange' | 'clientIp' | 'clientIpHeader' | 'trustProxy' | 'waitUntil' | 'fetch' | 'allowedOrigins' | 'backoff' | 'rateLimit' | 'leases'>
> &
  Pick<RelayOptions, 'webhookSecret' | 'onStatusChange' | 'clientIp' | 'clientIpHeader' | 'waitUntil' | 'fetch'> & {
    readonly allowedOrigins: ReadonlySet<string>;
    readonly backoff: BackoffPolicy;
    readonly rateLimit: false | Required<RateLimitOptions>;
    readonly trustProxy: TrustProxy | undefined;
    readonly leases: ResolvedLeaseOptions | false;
  };

export type ResolvedLeaseOptions = Required<Omit<LeaseOptions, 'awayMs' | 'maxSessionAgeMs'>> & {
  /** The ledger's rules read these. */
  readonly settings: LedgerSettings;
  /** How often a visible page sends a heartbeat. */
  readonly heartbeatMs: number;
};

export const DEFAULTS = {
  basePath: '/bank-pay',
  answerWithinMs: 4000,
  providerTimeoutMs: 5000,
  backoff: { baseDelayMs: 250, maxDelayMs: 30_000 },
  maxRetryWindowMs: 30 * 60_000,
  // A checkout sends one cancel, a heartbeat every 15 s and a few status checks; many shoppers may share one NAT address.
  perClientIp: { limit: 120, windowMs: 60_000 },
  perSession: { limit: 20, windowMs: 60_000 },
  signalsPerClientIp: { limit: 1200, windowMs: 60_000 },
  webhookRefusalsPerClientIp: { limit: 30, windowMs: 60_000 },
  rejectionLogIntervalMs: 60_000,
  webhookToleranceMs: 5 * 60_000,
  leaseMs: 60_000,
  heartbeatsPerLease: 4,
  intentGraceMs: 3000,
  startMs: 5 * 60_000,
  sweepIntervalMs: 1000,
  storeTimeoutMs: 1000,
  // Long enough for a beacon reordered behind its cancel, or a duplicate from a deferred fetch.
  closedMemoryMs: 10 * 60_000,
  // A sweeper's claim covers one status read and one cancel call; renewed each tick while it works.
  claimMs: 30_000,
} as const;

/** Thrown for a missing, malformed or weak setting; lists every problem at once. */
export class RelayConfigError extends Error {
  override readonly name = 'RelayConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`The relay is not configured correctly:\n  - ${problems.join('\n  - ')}`);
  }
}

const stdout = (globalThis as { process?: { stdout?: { write?: (text: string) => unknown } } }).process?.stdout;

/**
 * One JSON line on stdout. Written straight to the stream where there is one (Node, Bun,
 * Deno): console.log's formatting (and, under an inspector, its forwarding) cost more than the
 * rest of a cancel's audit. On Linux, writes to a file or pipe are synchronous, so the lines
 * of a forced stop are out before the exit.
 */
export function defaultLog(line: Record<string, unknown>): void {
  const text = `${JSON.stringify(line)}\n`;
  if (typeof stdout?.write === 'function') stdout.write(text);
  else console.log(text.slice(0, -1));
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
      signalsPerClientIp: options.rateLimit?.signalsPerClientIp ?? DEFAULTS.signalsPerClientIp,
      webhookRefusalsPerClientIp: options.rateLimit?.webhookRefusalsPerClientIp ?? DEFAULTS.webhookRefusalsPerClientIp,
    };
    for (const [name, limit] of Object.entries(rateLimit)) {
      const problem = rateLimitProblem(limit, `rateLimit.${name}`);
      if (problem) problems.push(problem);
    }
  }

  const leases = resolveLeaseOptions(options.leases, problems);
  const clientIpHeader = options.clientIpHeader?.trim().toLowerCase() || undefined;
  if (clientIpHeader !== undefined && !/^[a-z0-9-]{1,64}$/.test(clientIpHeader)) problems.push('clientIpHeader must be a header name');
  let trustProxy: TrustProxy | undefined;
  if (options.trustProxy !== undefined) {
    const resolved = resolveTrustProxy(options.trustProxy);
    if ('problem' in resolved) problems.push(`trustProxy ${resolved.problem}`);
    else trustProxy = resolved.trust;
  } else if (clientIpHeader) {
    // The older setting: a header alone meant "its last entry", i.e. one trusted hop.
    trustProxy = { hops: 1 };
  }
  const rejectionLogIntervalMs = positive(options.rejectionLogIntervalMs, DEFAULTS.rejectionLogIntervalMs, 'rejectionLogIntervalMs', problems);

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
    clientIpHeader,
    trustProxy,
    rejectionLogIntervalMs,
    waitUntil: options.waitUntil,
    fetch: options.fetch,
    leases,
  };
}

/**
 * True on Cloudflare Workers, where every isolate has its own memory and a heartbeat may land
 * on any of them: a ledger in memory there would cancel shoppers who are still beating.
 */
function memoryIsPerRequest(): boolean {
  return (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === 'Cloudflare-Workers';
}

function resolveLeaseOptions(options: false | LeaseOptions | undefined, problems: string[]): ResolvedLeaseOptions | false {
  if (options === false) return false;
  // Without a shared store on an isolate runtime, no leases rather than false cancels.
  if (options?.store === undefined && memoryIsPerRequest()) return false;
  const leaseMs = positive(options?.leaseMs, DEFAULTS.leaseMs, 'leases.leaseMs', problems);
  const intentGraceMs = positive(options?.intentGraceMs, DEFAULTS.intentGraceMs, 'leases.intentGraceMs', problems);
  if (intentGraceMs < MIN_INTENT_GRACE_MS) {
    problems.push(`leases.intentGraceMs must be at least ${MIN_INTENT_GRACE_MS}: the element revokes an intent ${MIN_INTENT_GRACE_MS / 2} ms after it when the page stays`);
  }
  const awayMs = options?.awayMs === undefined ? undefined : positive(options.awayMs, 0, 'leases.awayMs', problems);
  if (awayMs !== undefined && awayMs < leaseMs) problems.push('leases.awayMs must be at least leases.leaseMs: a hidden tab must never be held for less than a visible one');
  const maxAgeMs = options?.maxSessionAgeMs === undefined ? undefined : positive(options.maxSessionAgeMs, 0, 'leases.maxSessionAgeMs', problems);
  const store = options?.store;
  if (store !== undefined && (typeof store.swap !== 'function' || typeof store.due !== 'function')) {
    problems.push('leases.store must be a ledger store (createMemoryLedgerStore, createRedisLedgerStore)');
  }
  const startMs = positive(options?.startMs, DEFAULTS.startMs, 'leases.startMs', problems);
  const claimMs = positive(options?.claimMs, Math.max(DEFAULTS.claimMs, leaseMs), 'leases.claimMs', problems);
  if (claimMs < 1000) problems.push('leases.claimMs must be at least 1000: a claim is renewed every sweep');
  return {
    // One memory store per relay: "memory" means this instance's own.
    store: store ?? createMemoryLedgerStore(),
    leaseMs,
    intentGraceMs,
    startMs,
    sweepIntervalMs: positive(options?.sweepIntervalMs, Math.min(DEFAULTS.sweepIntervalMs, leaseMs / 4), 'leases.sweepIntervalMs', problems),
    statusRefreshMs: positive(options?.statusRefreshMs, leaseMs / 2, 'leases.statusRefreshMs', problems),
    storeTimeoutMs: positive(options?.storeTimeoutMs, DEFAULTS.storeTimeoutMs, 'leases.storeTimeoutMs', problems),
    claimMs,
    heartbeatMs: Math.round(leaseMs / DEFAULTS.heartbeatsPerLease),
    settings: {
      leaseMs,
      awayMs,
      intentGraceMs,
      startMs,
      maxAgeMs,
      claimMs,
      closedMemoryMs: DEFAULTS.closedMemoryMs,
    },
  };
}
