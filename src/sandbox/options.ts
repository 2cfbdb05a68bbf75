/**
 * The sandbox's options, their defaults and their validation. Everything else reads the
 * resolved `SandboxConfig`, so a default lives in exactly one place.
 */

export interface SandboxClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface SandboxOptions {
  /** API clients allowed to authorize. Default: one client `sandbox-client` / `sandbox-secret`. */
  clients?: SandboxClient[];
  /** Onboarding timeout: a session still Initiated this long after creation becomes Expired. Default 15 min. */
  sessionTimeoutMs?: number;
  /** `expires_in` of issued access tokens, in seconds. Default 299. */
  tokenLifetimeSeconds?: number;
  /** Merchant origins allowed to frame the hosted flow and to receive its postMessages. Default `['http://localhost:5173']`. */
  allowedOrigins?: string[];
  /**
   * Whether the hosted page may be framed: `allow` (default) lets the allowed origins frame it
   * (`frame-ancestors` lists them); `deny` refuses every frame (`frame-ancestors 'none'`), as
   * providers that only run in a window of their own do.
   */
  framing?: SandboxFraming;
  /**
   * A `Cross-Origin-Opener-Policy` for the hosted page, or none (default). With one, a window
   * the checkout opened loses its link to it: `closed` reads true while it is open, and no
   * message passes either way.
   */
  coop?: SandboxCoop;
  /** Where `SessionSetupStatusChanged` webhooks are POSTed. None are sent without it. */
  webhookUrl?: string;
  /** HMAC key of the webhook signature. Default `sandbox-webhook-secret`. */
  webhookSecret?: string;
  /** How long a terminal session stays readable before it is dropped. Default 1 hour. */
  retentionMs?: number;
  /** How often the timer expires due sessions and drops old ones. Default 1 s. */
  expiryCheckIntervalMs?: number;
  /** Most sessions held at once; initiate answers 503 past it while none can be dropped. Default 10 000. */
  maxSessions?: number;
  /** Largest request body read, in bytes; larger bodies get 413. Default 16 KiB. */
  maxBodyBytes?: number;
  /** How long one webhook delivery may take before it is abandoned. Default 5 s. */
  webhookTimeoutMs?: number;
  /** The clock, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Random numbers in [0, 1) for fault injection's error rate. Default `Math.random`. */
  random?: () => number;
  /** The fetch used to deliver webhooks. Default the global `fetch`. */
  fetch?: typeof fetch;
}

export const SANDBOX_FRAMINGS = ['allow', 'deny'] as const;
export type SandboxFraming = (typeof SANDBOX_FRAMINGS)[number];
export const SANDBOX_COOPS = ['same-origin', 'same-origin-allow-popups'] as const;
export type SandboxCoop = (typeof SANDBOX_COOPS)[number];

export interface SandboxConfig {
  readonly clients: readonly SandboxClient[];
  readonly sessionTimeoutMs: number;
  readonly tokenLifetimeSeconds: number;
  readonly allowedOrigins: readonly string[];
  readonly framing: SandboxFraming;
  readonly coop: SandboxCoop | undefined;
  readonly webhookUrl: string | undefined;
  readonly webhookSecret: string;
  readonly retentionMs: number;
  readonly expiryCheckIntervalMs: number;
  readonly maxSessions: number;
  readonly maxBodyBytes: number;
  readonly webhookTimeoutMs: number;
  readonly now: () => number;
  readonly random: () => number;
  readonly fetch: typeof fetch;
}

export const DEFAULT_CLIENT: SandboxClient = { clientId: 'sandbox-client', clientSecret: 'sandbox-secret' };
export const DEFAULT_WEBHOOK_SECRET = 'sandbox-webhook-secret';
export const DEFAULT_ALLOWED_ORIGINS: readonly string[] = ['http://localhost:5173'];
export const DEFAULT_PORT = 4010;
export const DEFAULT_HOST = '127.0.0.1';

export const DEFAULTS = {
  sessionTimeoutMs: 15 * 60_000,
  tokenLifetimeSeconds: 299,
  retentionMs: 60 * 60_000,
  expiryCheckIntervalMs: 1000,
  maxSessions: 10_000,
  maxBodyBytes: 16 * 1024,
  webhookTimeoutMs: 5000,
} as const;

/** A bad option: the message names the option, never a secret's value. */
export class SandboxOptionError extends Error {
  override name = 'SandboxOptionError';
}

function positiveInteger(name: string, value: number | undefined, fallback: number, minimum = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < minimum) {
    throw new SandboxOptionError(`${name} must be an integer of at least ${minimum}, got ${String(value)}`);
  }
  return value;
}

/** `http(s)://host[:port]` with nothing after it, exactly as browsers report `event.origin`. */
export function normalizeOrigin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SandboxOptionError(`allowed origin ${JSON.stringify(raw)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SandboxOptionError(`allowed origin ${JSON.stringify(raw)} must use http or https`);
  }
  if (url.origin !== raw.replace(/\/$/, '')) {
    throw new SandboxOptionError(`allowed origin ${JSON.stringify(raw)} must be an origin only (scheme, host, port), e.g. ${url.origin}`);
  }
  return url.origin;
}

function validateClients(clients: SandboxClient[] | undefined): readonly SandboxClient[] {
  if (clients === undefined) return [DEFAULT_CLIENT];
  if (!Array.isArray(clients) || clients.length === 0) throw new SandboxOptionError('clients must list at least one client');
  const seen = new Set<string>();
  for (const client of clients) {
    if (typeof client?.clientId !== 'string' || client.clientId.length === 0 || client.clientId.includes(':')) {
      throw new SandboxOptionError('every client needs a clientId: a non-empty string without ":"');
    }
    if (typeof client.clientSecret !== 'string' || client.clientSecret.length === 0) {
      throw new SandboxOptionError(`client ${client.clientId} needs a non-empty clientSecret`);
    }
    if (seen.has(client.clientId)) throw new SandboxOptionError(`client ${client.clientId} is listed twice`);
    seen.add(client.clientId);
  }
  return clients.map(({ clientId, clientSecret }) => ({ clientId, clientSecret }));
}

function oneOf<T extends string>(name: string, value: T | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || allowed.includes(value)) return value;
  throw new SandboxOptionError(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
}

function validateWebhookUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SandboxOptionError('webhookUrl is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SandboxOptionError('webhookUrl must use http or https');
  return url.href;
}

export function resolveSandboxConfig(options: SandboxOptions = {}): SandboxConfig {
  const allowedOrigins = (options.allowedOrigins ?? DEFAULT_ALLOWED_ORIGINS).map(normalizeOrigin);
  if (allowedOrigins.length === 0) throw new SandboxOptionError('allowedOrigins must list at least one origin');
  const webhookSecret = options.webhookSecret ?? DEFAULT_WEBHOOK_SECRET;
  if (typeof webhookSecret !== 'string' || webhookSecret.length === 0) throw new SandboxOptionError('webhookSecret must be a non-empty string');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  return {
    clients: validateClients(options.clients),
    sessionTimeoutMs: positiveInteger('sessionTimeoutMs', options.sessionTimeoutMs, DEFAULTS.sessionTimeoutMs),
    tokenLifetimeSeconds: positiveInteger('tokenLifetimeSeconds', options.tokenLifetimeSeconds, DEFAULTS.tokenLifetimeSeconds),
    allowedOrigins: [...new Set(allowedOrigins)],
    framing: oneOf('framing', options.framing, SANDBOX_FRAMINGS) ?? 'allow',
    coop: oneOf('coop', options.coop, SANDBOX_COOPS),
    webhookUrl: validateWebhookUrl(options.webhookUrl),
    webhookSecret,
    retentionMs: positiveInteger('retentionMs', options.retentionMs, DEFAULTS.retentionMs, 0),
    expiryCheckIntervalMs: positiveInteger('expiryCheckIntervalMs', options.expiryCheckIntervalMs, DEFAULTS.expiryCheckIntervalMs, 10),
    maxSessions: positiveInteger('maxSessions', options.maxSessions, DEFAULTS.maxSessions),
    maxBodyBytes: positiveInteger('maxBodyBytes', options.maxBodyBytes, DEFAULTS.maxBodyBytes, 256),
    webhookTimeoutMs: positiveInteger('webhookTimeoutMs', options.webhookTimeoutMs, DEFAULTS.webhookTimeoutMs),
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    fetch: fetchImpl,
  };
}
