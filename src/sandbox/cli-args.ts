/**
 * `bank-pay-session sandbox` arguments and environment, parsed without I/O so every rule
 * is testable. Flags win over environment variables, which win over defaults.
 */

import { parseArgs } from 'node:util';
import { DEFAULT_CLIENT, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_WEBHOOK_SECRET, DEFAULTS, DEFAULT_ALLOWED_ORIGINS, SANDBOX_COOPS, SANDBOX_FRAMINGS, type SandboxCoop, type SandboxFraming } from './options.js';
import type { StartSandboxOptions } from './server.js';

interface FlagSpec {
  readonly flag: string;
  readonly env?: string;
  readonly value: string;
  readonly help: string;
}

export const SANDBOX_FLAGS: readonly FlagSpec[] = [
  { flag: '--port', env: 'PORT', value: '<n>', help: `port to listen on (0 = any free port; default ${DEFAULT_PORT})` },
  { flag: '--host', env: 'BPS_SANDBOX_HOST', value: '<addr>', help: `address to listen on (default ${DEFAULT_HOST}; 0.0.0.0 for every interface)` },
  { flag: '--client-id', env: 'BPS_SANDBOX_CLIENT_ID', value: '<id>', help: `API client id (default ${DEFAULT_CLIENT.clientId})` },
  { flag: '--client-secret', env: 'BPS_SANDBOX_CLIENT_SECRET', value: '<secret>', help: `API client secret (default ${DEFAULT_CLIENT.clientSecret}); prefer the variable, flags show in ps` },
  {
    flag: '--allowed-origin',
    env: 'BPS_SANDBOX_ALLOWED_ORIGINS',
    value: '<origin>',
    help: `merchant origin allowed to frame the hosted flow; repeat or comma-separate (default ${DEFAULT_ALLOWED_ORIGINS.join(',')})`,
  },
  { flag: '--framing', env: 'BPS_SANDBOX_FRAMING', value: '<allow|deny>', help: 'deny: the hosted page refuses every frame (frame-ancestors \'none\'), for popup mode (default allow)' },
  { flag: '--coop', env: 'BPS_SANDBOX_COOP', value: '<policy>', help: 'send Cross-Origin-Opener-Policy on the hosted page: same-origin or same-origin-allow-popups (default none)' },
  { flag: '--session-timeout', env: 'BPS_SANDBOX_SESSION_TIMEOUT', value: '<seconds>', help: `onboarding timeout before a session expires (default ${DEFAULTS.sessionTimeoutMs / 1000})` },
  { flag: '--token-lifetime', env: 'BPS_SANDBOX_TOKEN_LIFETIME', value: '<seconds>', help: `access token lifetime, expires_in (default ${DEFAULTS.tokenLifetimeSeconds})` },
  { flag: '--webhook-url', env: 'BPS_SANDBOX_WEBHOOK_URL', value: '<url>', help: 'where SessionSetupStatusChanged webhooks are POSTed (default: none sent)' },
  { flag: '--webhook-secret', env: 'BPS_SANDBOX_WEBHOOK_SECRET', value: '<secret>', help: `webhook signing secret (default ${DEFAULT_WEBHOOK_SECRET}); prefer the variable` },
  { flag: '--retention', env: 'BPS_SANDBOX_RETENTION', value: '<seconds>', help: `how long ended sessions stay readable (default ${DEFAULTS.retentionMs / 1000})` },
];

export function sandboxUsage(): string {
  const width = Math.max(...SANDBOX_FLAGS.map((spec) => `${spec.flag} ${spec.value}`.length));
  const lines = SANDBOX_FLAGS.map((spec) => `  ${`${spec.flag} ${spec.value}`.padEnd(width)}  ${spec.help}${spec.env ? ` [env ${spec.env}]` : ''}`);
  return [
    'Usage: bank-pay-session sandbox [options]',
    '',
    'Runs a local Flinks Pay v2 provider sandbox: the provider API under /api, the hosted',
    'flow at /app/?sessionId=…, and test controls under /sandbox.',
    '',
    'Options:',
    ...lines,
    `  ${'-h, --help'.padEnd(width)}  show this help`,
  ].join('\n');
}

export type SandboxCliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'run'; readonly options: StartSandboxOptions }
  | { readonly kind: 'error'; readonly message: string };

function wholeNumber(name: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number | string {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    return `${name} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got ${JSON.stringify(raw)}`;
  }
  return value;
}

/** The flag an error of `parseArgs` is about, as the user typed it. */
function flagIn(message: string): string {
  return /'(-{1,2}[^'\s=]+)/.exec(message)?.[1] ?? 'an option';
}

/**
 * `--flag value` and `--flag=value` through `node:util` parseArgs; repeated flags accumulate.
 * Its errors are reworded to name the option the way the usage text does.
 */
function collectFlags(args: readonly string[]): Map<string, string[]> | { error: string } | 'help' {
  const options = Object.fromEntries([
    ...SANDBOX_FLAGS.map((spec) => [spec.flag.slice(2), { type: 'string', multiple: true }] as const),
    ['help', { type: 'boolean', short: 'h' }] as const,
  ]);
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return { error: `${flagIn(message)} needs a value` };
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return { error: `unexpected argument ${JSON.stringify(/'([^']*)'/.exec(message)?.[1] ?? '')}` };
    return { error: `unknown option ${JSON.stringify(flagIn(message))}` };
  }
  if (values.help === true) return 'help';
  const flags = new Map<string, string[]>();
  for (const spec of SANDBOX_FLAGS) {
    const given = values[spec.flag.slice(2)];
    if (Array.isArray(given)) flags.set(spec.flag, given.map(String));
  }
  return flags;
}

export function parseSandboxArgs(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): SandboxCliCommand {
  const flags = collectFlags(args);
  if (flags === 'help') return { kind: 'help' };
  if ('error' in flags) return { kind: 'error', message: `${flags.error as string}` };
  const read = (flag: string): string | undefined => {
    const fromFlag = flags.get(flag);
    if (fromFlag) return fromFlag[fromFlag.length - 1];
    const spec = SANDBOX_FLAGS.find((candidate) => candidate.flag === flag);
    const fromEnv = spec?.env ? env[spec.env] : undefined;
    return fromEnv === '' ? undefined : fromEnv;
  };

  const options: StartSandboxOptions = {};
  const numbers: ReadonlyArray<readonly [string, number, (value: number) => void]> = [
    ['--port', 0, (v) => (options.port = v)],
    ['--session-timeout', 1, (v) => (options.sessionTimeoutMs = v * 1000)],
    ['--token-lifetime', 1, (v) => (options.tokenLifetimeSeconds = v)],
    ['--retention', 0, (v) => (options.retentionMs = v * 1000)],
  ];
  for (const [flag, min, assign] of numbers) {
    const raw = read(flag);
    if (raw === undefined) continue;
    const value = wholeNumber(flag, raw, min, flag === '--port' ? 65_535 : undefined);
    if (typeof value === 'string') return { kind: 'error', message: value };
    assign(value);
  }

  const host = read('--host');
  if (host !== undefined) options.host = host;
  const clientId = read('--client-id');
  const clientSecret = read('--client-secret');
  if (clientId !== undefined || clientSecret !== undefined) {
    options.clients = [{ clientId: clientId ?? DEFAULT_CLIENT.clientId, clientSecret: clientSecret ?? DEFAULT_CLIENT.clientSecret }];
  }
  const origins = flags.get('--allowed-origin') ?? (read('--allowed-origin') === undefined ? undefined : [read('--allowed-origin')!]);
  if (origins) {
    options.allowedOrigins = origins.flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
  }
  const framing = read('--framing');
  if (framing !== undefined) {
    if (!(SANDBOX_FRAMINGS as readonly string[]).includes(framing)) return { kind: 'error', message: `--framing must be ${SANDBOX_FRAMINGS.join(' or ')}, got ${JSON.stringify(framing)}` };
    options.framing = framing as SandboxFraming;
  }
  const coop = read('--coop');
  if (coop !== undefined) {
    if (!(SANDBOX_COOPS as readonly string[]).includes(coop)) return { kind: 'error', message: `--coop must be ${SANDBOX_COOPS.join(' or ')}, got ${JSON.stringify(coop)}` };
    options.coop = coop as SandboxCoop;
  }
  const webhookUrl = read('--webhook-url');
  if (webhookUrl !== undefined) options.webhookUrl = webhookUrl;
  const webhookSecret = read('--webhook-secret');
  if (webhookSecret !== undefined) options.webhookSecret = webhookSecret;
  return { kind: 'run', options };
}
