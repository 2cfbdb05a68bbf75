/**
 * Relay options from environment variables (`npx bank-pay-session relay`, containers,
 * Workers bindings). Every problem is reported at once, by variable name; values are never
 * echoed, since most of them are secrets.
 */

import { tokenKeyWeakness } from './key-strength.js';
import { normalizeOrigin, providerUrlProblem, RelayConfigError, resolveRelayOptions, type RelayOptions } from './options.js';

export const RELAY_ENV = {
  providerUrl: 'BPS_PROVIDER_URL',
  clientId: 'BPS_CLIENT_ID',
  clientSecret: 'BPS_CLIENT_SECRET',
  tokenKeys: 'BPS_TOKEN_KEYS',
  allowedOrigins: 'BPS_ALLOWED_ORIGINS',
  webhookSecret: 'BPS_WEBHOOK_SECRET',
  basePath: 'BPS_BASE_PATH',
  clientIpHeader: 'BPS_CLIENT_IP_HEADER',
  intentGraceMs: 'BPS_INTENT_GRACE_MS',
  /** Read by `bank-pay-session relay` (Node) only: the Redis store needs a connection first. */
  redisUrl: 'BPS_REDIS_URL',
} as const;

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

export function relayOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): RelayOptions {
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const problems: string[] = [];

  const providerUrl = read(RELAY_ENV.providerUrl);
  const urlProblem = providerUrlProblem(providerUrl);
  if (urlProblem) problems.push(`${RELAY_ENV.providerUrl} ${urlProblem} (the provider base URL, e.g. https://payments-uat.flinksapp.com)`);
  const clientId = read(RELAY_ENV.clientId);
  if (!clientId) problems.push(`${RELAY_ENV.clientId} is missing (your provider API client id)`);
  const clientSecret = read(RELAY_ENV.clientSecret);
  if (!clientSecret) problems.push(`${RELAY_ENV.clientSecret} is missing (your provider API client secret)`);

  const tokenKeys = list(env[RELAY_ENV.tokenKeys]);
  if (tokenKeys.length === 0) {
    problems.push(`${RELAY_ENV.tokenKeys} is missing (comma-separated cancel-token keys, 32+ random bytes each; the first signs)`);
  }
  tokenKeys.forEach((key, index) => {
    const weakness = tokenKeyWeakness(key);
    if (weakness) problems.push(`${RELAY_ENV.tokenKeys}: key ${index + 1} ${weakness}`);
  });

  const allowedOrigins = list(env[RELAY_ENV.allowedOrigins]);
  if (allowedOrigins.length === 0) {
    problems.push(`${RELAY_ENV.allowedOrigins} is missing (comma-separated checkout page origins, e.g. https://shop.example)`);
  }
  for (const origin of allowedOrigins) {
    const normalized = normalizeOrigin(origin);
    if ('problem' in normalized) problems.push(`${RELAY_ENV.allowedOrigins}: ${normalized.problem}`);
  }

  const graceText = read(RELAY_ENV.intentGraceMs);
  if (graceText !== undefined && !/^\d+$/.test(graceText)) {
    problems.push(`${RELAY_ENV.intentGraceMs} must be a whole number of milliseconds (the two-phase cancel's grace, default 3000)`);
  }

  if (problems.length > 0) throw new RelayConfigError(problems);

  const webhookSecret = read(RELAY_ENV.webhookSecret);
  const basePath = read(RELAY_ENV.basePath);
  const clientIpHeader = read(RELAY_ENV.clientIpHeader);
  const options: RelayOptions = {
    provider: { url: providerUrl!, clientId: clientId!, clientSecret: clientSecret! },
    tokenKeys,
    allowedOrigins,
    ...(webhookSecret ? { webhookSecret } : {}),
    ...(basePath ? { basePath } : {}),
    ...(clientIpHeader ? { clientIpHeader } : {}),
    ...(graceText ? { intents: { graceMs: Number(graceText) } } : {}),
  };
  // The same checks createRelay runs, so whatever passes here also starts.
  resolveRelayOptions(options);
  return options;
}
