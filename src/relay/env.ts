/**
 * Relay options from environment variables (`npx bank-pay-session relay`, containers,
 * Workers bindings): only the mapping of variable names to options. The checks are the
 * relay's own (options.ts); their messages are re-worded here to name the variable. Values
 * are never echoed, since most of them are secrets.
 */

import { RelayConfigError, resolveRelayOptions, type LeaseOptions, type RelayOptions } from './options.js';

export const RELAY_ENV = {
  providerUrl: 'BPS_PROVIDER_URL',
  clientId: 'BPS_CLIENT_ID',
  clientSecret: 'BPS_CLIENT_SECRET',
  tokenKeys: 'BPS_TOKEN_KEYS',
  allowedOrigins: 'BPS_ALLOWED_ORIGINS',
  webhookSecret: 'BPS_WEBHOOK_SECRET',
  basePath: 'BPS_BASE_PATH',
  clientIpHeader: 'BPS_CLIENT_IP_HEADER',
  trustProxy: 'BPS_TRUST_PROXY',
  leaseSeconds: 'BPS_LEASE_SECONDS',
  awaySeconds: 'BPS_AWAY_SECONDS',
  maxSessionAgeSeconds: 'BPS_MAX_SESSION_AGE_SECONDS',
  intentGraceMs: 'BPS_INTENT_GRACE_MS',
  claimSeconds: 'BPS_CLAIM_SECONDS',
  /** Read by `bank-pay-session relay` (Node) only: the Redis store needs a connection first. */
  redisUrl: 'BPS_REDIS_URL',
} as const;

/** The Node server's limits (`serveRelay`), read by `bank-pay-session relay`. */
export const SERVE_ENV = {
  drainSeconds: 'BPS_DRAIN_SECONDS',
  headersTimeoutMs: 'BPS_HEADERS_TIMEOUT_MS',
  requestTimeoutMs: 'BPS_REQUEST_TIMEOUT_MS',
  keepAliveTimeoutMs: 'BPS_KEEP_ALIVE_TIMEOUT_MS',
  maxConnections: 'BPS_MAX_CONNECTIONS',
  maxConnectionsPerAddress: 'BPS_MAX_CONNECTIONS_PER_ADDRESS',
} as const;

/** Which variable each option comes from, to name it in an error (longest option path first). */
const OPTION_OF_VARIABLE: ReadonlyArray<readonly [string, string]> = [
  ['provider.url', RELAY_ENV.providerUrl],
  ['provider.clientId', RELAY_ENV.clientId],
  ['provider.clientSecret', RELAY_ENV.clientSecret],
  ['allowedOrigins', RELAY_ENV.allowedOrigins],
  ['webhookSecret', RELAY_ENV.webhookSecret],
  ['basePath', RELAY_ENV.basePath],
  ['leases.leaseMs', RELAY_ENV.leaseSeconds],
  ['leases.awayMs', RELAY_ENV.awaySeconds],
  ['leases.maxSessionAgeMs', RELAY_ENV.maxSessionAgeSeconds],
  ['leases.intentGraceMs', RELAY_ENV.intentGraceMs],
  ['leases.claimMs', RELAY_ENV.claimSeconds],
  ['trustProxy', RELAY_ENV.trustProxy],
  ['clientIpHeader', RELAY_ENV.clientIpHeader],
];

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The option's problem, said of the variable: `tokenKeys[1] is …` → `BPS_TOKEN_KEYS: key 2 is …`. */
function byVariable(problem: string): string {
  const key = /^tokenKeys\[(\d+)\] (.*)$/.exec(problem);
  if (key) return `${RELAY_ENV.tokenKeys}: key ${Number(key[1]) + 1} ${key[2]}`;
  if (problem.startsWith('tokenKeys')) return `${RELAY_ENV.tokenKeys} is missing (comma-separated cancel-token keys, 32+ random bytes each; the first signs)`;
  for (const [option, variable] of OPTION_OF_VARIABLE) {
    if (problem.startsWith(option)) return `${variable}${problem.slice(option.length)}`;
  }
  return problem;
}

export function relayOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): RelayOptions {
  const read = (name: string) => env[name]?.trim() || undefined;
  const problems: string[] = [];
  /** A whole number of seconds (or ms) from a variable, scaled to ms. */
  const whole = (name: string, scale: number): number | undefined => {
    const text = read(name);
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) problems.push(`${name} must be a whole number${scale === 1000 ? ' of seconds' : ' of milliseconds'}`);
    return Number(text) * scale;
  };
  const leases: LeaseOptions = {
    ...(read(RELAY_ENV.leaseSeconds) ? { leaseMs: whole(RELAY_ENV.leaseSeconds, 1000) } : {}),
    ...(read(RELAY_ENV.awaySeconds) ? { awayMs: whole(RELAY_ENV.awaySeconds, 1000) } : {}),
    ...(read(RELAY_ENV.maxSessionAgeSeconds) ? { maxSessionAgeMs: whole(RELAY_ENV.maxSessionAgeSeconds, 1000) } : {}),
    ...(read(RELAY_ENV.intentGraceMs) ? { intentGraceMs: whole(RELAY_ENV.intentGraceMs, 1) } : {}),
    ...(read(RELAY_ENV.claimSeconds) ? { claimMs: whole(RELAY_ENV.claimSeconds, 1000) } : {}),
  };
  const trustText = read(RELAY_ENV.trustProxy);
  // A number of hops, or a comma-separated list of proxy addresses and ranges.
  const trustProxy = trustText === undefined ? undefined : /^\d+$/.test(trustText) ? Number(trustText) : list(trustText);
  if (problems.length > 0) throw new RelayConfigError(problems);
  const webhookSecret = read(RELAY_ENV.webhookSecret);
  const basePath = read(RELAY_ENV.basePath);
  const clientIpHeader = read(RELAY_ENV.clientIpHeader);
  const options: RelayOptions = {
    provider: { url: read(RELAY_ENV.providerUrl) ?? '', clientId: read(RELAY_ENV.clientId) ?? '', clientSecret: read(RELAY_ENV.clientSecret) ?? '' },
    tokenKeys: list(env[RELAY_ENV.tokenKeys]),
    allowedOrigins: list(env[RELAY_ENV.allowedOrigins]),
    ...(webhookSecret ? { webhookSecret } : {}),
    ...(basePath ? { basePath } : {}),
    ...(clientIpHeader ? { clientIpHeader } : {}),
    ...(trustProxy !== undefined ? { trustProxy } : {}),
    ...(Object.keys(leases).length > 0 ? { leases } : {}),
  };
  // The same checks createRelay runs, so whatever passes here also starts.
  try {
    resolveRelayOptions(options);
  } catch (error) {
    if (error instanceof RelayConfigError) throw new RelayConfigError(error.problems.map(byVariable));
    throw error;
  }
  return options;
}

/**
 * The Node server's limits from environment variables, as `serveRelay` options; a variable
 * that is not a whole number (or `off` for a cap) is a problem named in a RelayConfigError.
 */
export function serveOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): {
  drainTimeoutMs?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  maxConnections?: number | false;
  maxConnectionsPerAddress?: number | false;
} {
  const problems: string[] = [];
  const number = (name: string, scale: number, allowOff: boolean): number | false | undefined => {
    const text = env[name]?.trim();
    if (!text) return undefined;
    if (allowOff && text.toLowerCase() === 'off') return false;
    if (!/^\d+$/.test(text)) {
      problems.push(`${name} must be a whole number${allowOff ? ', or off' : ''}`);
      return undefined;
    }
    return Number(text) * scale;
  };
  const entries = {
    drainTimeoutMs: number(SERVE_ENV.drainSeconds, 1000, false),
    headersTimeoutMs: number(SERVE_ENV.headersTimeoutMs, 1, false),
    requestTimeoutMs: number(SERVE_ENV.requestTimeoutMs, 1, false),
    keepAliveTimeoutMs: number(SERVE_ENV.keepAliveTimeoutMs, 1, false),
    maxConnections: number(SERVE_ENV.maxConnections, 1, true),
    maxConnectionsPerAddress: number(SERVE_ENV.maxConnectionsPerAddress, 1, true),
  };
  if (problems.length > 0) throw new RelayConfigError(problems);
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}
