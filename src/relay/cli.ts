/** `bank-pay-session relay`: the relay on Node, configured from BPS_* environment variables. */

import { createRelay } from './app.js';
import { relayOptionsFromEnv, RELAY_ENV, SERVE_ENV, serveOptionsFromEnv } from './env.js';
import { DEFAULTS, RelayConfigError } from './options.js';
import { DEFAULT_RELAY_HOST, DEFAULT_RELAY_PORT, resolveServeOptions, SERVER_DEFAULTS, serveRelay, type ServeRelayOptions } from './node.js';

const USAGE = `Usage: bank-pay-session relay [--port <number>] [--host <address>]

Runs the merchant relay: POST /bank-pay/cancel, POST /bank-pay/signals,
GET /bank-pay/sessions/{id}/status, POST /bank-pay/webhooks, and the lease sweeper that
cancels a session whose page went silent. On SIGTERM (or SIGINT) it stops accepting requests
and finishes cancels still being retried, for at most ${SERVER_DEFAULTS.drainTimeoutMs / 1000} s from the signal to the exit (inside
docker's 10 s); a second signal exits at once. Either way every cancel it took on has an
audit line with its outcome (failed, abandoned, for those cut off).

Options:
  --port <number>    port to listen on (default ${DEFAULT_RELAY_PORT}; 0 picks a free port)
  --host <address>   interface to listen on (default ${DEFAULT_RELAY_HOST})
  -h, --help         show this help

Environment (required unless marked optional):
  ${RELAY_ENV.providerUrl}      provider base URL (https; http only for localhost)
  ${RELAY_ENV.clientId}         provider API client id
  ${RELAY_ENV.clientSecret}     provider API client secret
  ${RELAY_ENV.tokenKeys}        comma-separated cancel-token keys, 32+ random bytes each;
                        the first signs, all verify (add a new key first to rotate)
  ${RELAY_ENV.allowedOrigins}   comma-separated checkout page origins, e.g. https://shop.example
  ${RELAY_ENV.webhookSecret}    optional: provider webhook secret (enables /bank-pay/webhooks)
  ${RELAY_ENV.basePath}         optional: route prefix (default /bank-pay)
  ${RELAY_ENV.trustProxy}        optional: which proxies in front of the relay are yours: a number
                        of hops (1: a load balancer; 2: a CDN and a load balancer) or a
                        comma-separated list of their addresses and ranges (10.0.0.0/8,
                        loopback, linklocal, uniquelocal). Default: none (socket address)
  ${RELAY_ENV.clientIpHeader}   optional: the header they write (default x-forwarded-for;
                        cf-connecting-ip, x-real-ip); set alone it trusts one hop
  ${RELAY_ENV.leaseSeconds}     optional: how long a visible page's heartbeat holds its session
                        (default 60; the page beats four times per lease)
  ${RELAY_ENV.awaySeconds}      optional: how long a hidden tab's session is held (default: until
                        the session expires; the shopper may be in their bank's app)
  ${RELAY_ENV.maxSessionAgeSeconds}  optional: cancel any session older than this (default: none)
  ${RELAY_ENV.intentGraceMs}    optional: how long a beforeunload intent waits for its revoke
                        before the relay cancels (default 3000, at least 2000)
  ${RELAY_ENV.redisUrl}          optional: Redis for the lease ledger, shared by every instance
                        (redis://host:6379); without it the ledger lives in this process
  ${RELAY_ENV.claimSeconds}     optional: how long a cancel this instance took on waits, if it dies,
                        before another instance finishes it (default the lease, at least ${DEFAULTS.claimMs / 1000})

Server limits (optional):
  ${SERVE_ENV.drainSeconds}              longest shutdown, signal to exit (default ${SERVER_DEFAULTS.drainTimeoutMs / 1000})
  ${SERVE_ENV.headersTimeoutMs}          time to send request headers (default ${SERVER_DEFAULTS.headersTimeoutMs})
  ${SERVE_ENV.requestTimeoutMs}          time to send a whole request (default ${SERVER_DEFAULTS.requestTimeoutMs})
  ${SERVE_ENV.keepAliveTimeoutMs}        idle keep-alive connection lifetime (default ${SERVER_DEFAULTS.keepAliveTimeoutMs})
  ${SERVE_ENV.maxConnections}            open connections at most, or off (default 3/4 of the
                                   file-descriptor limit)
  ${SERVE_ENV.maxConnectionsPerAddress}  per client address, or off (default ${SERVER_DEFAULTS.maxConnectionsPerAddress}; never for
                                   the proxies ${RELAY_ENV.trustProxy} names)`;

interface CliArgs {
  readonly help: boolean;
  readonly port: number;
  readonly host: string;
}

/** Parses the relay's arguments; throws an Error whose message is meant for the user. */
export function parseRelayArgs(args: readonly string[]): CliArgs {
  let help = false;
  let port = DEFAULT_RELAY_PORT;
  let host = DEFAULT_RELAY_HOST;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const next = inline ?? args[++i];
      if (next === undefined || next === '') throw new Error(`${name} needs a value`);
      return next;
    };
    switch (name) {
      case '-h':
      case '--help':
        help = true;
        break;
      case '--port': {
        const text = value();
        port = Number(text);
        if (!/^\d+$/.test(text) || port > 65_535) throw new Error(`--port must be a number from 0 to 65535, got "${text}"`);
        break;
      }
      case '--host':
        host = value();
        break;
      default:
        throw new Error(`unknown option "${arg}"`);
    }
  }
  return { help, port, host };
}

export async function runRelayCli(args: string[]): Promise<void> {
  let parsed: CliArgs;
  try {
    parsed = parseRelayArgs(args);
  } catch (error) {
    console.error(`bank-pay-session relay: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (parsed.help) {
    console.log(USAGE);
    return;
  }

  let app;
  let options;
  let serveOptions: ServeRelayOptions;
  let ledgerIn = 'memory: run one instance, or set BPS_REDIS_URL for several';
  try {
    options = relayOptionsFromEnv(process.env);
    serveOptions = serveOptionsFromEnv(process.env);
    resolveServeOptions(serveOptions);
    const redisUrl = process.env[RELAY_ENV.redisUrl]?.trim();
    if (redisUrl) {
      // Loaded only when asked for: node-redis is an optional dependency.
      const { createRedisLedgerStore } = await import('./redis.js');
      const store = await createRedisLedgerStore({ url: redisUrl });
      options = { ...options, leases: { ...(options.leases || {}), store } };
      ledgerIn = 'Redis';
    }
    app = createRelay(options);
  } catch (error) {
    const known = error instanceof RelayConfigError || (error instanceof Error && error.name === 'RedisLedgerStoreError');
    if (!known) throw error;
    console.error(`bank-pay-session relay: refusing to start.\n${(error as Error).message}\n\nRun "bank-pay-session relay --help" for the settings.`);
    process.exitCode = 1;
    return;
  }

  try {
    const served = await serveRelay(app, { ...serveOptions, port: parsed.port, host: parsed.host, handleSignals: true });
    const base = options.basePath ?? '/bank-pay';
    console.log(
      `bank-pay-session relay listening on ${served.url}${base} (provider ${new URL(options.provider.url).origin}, ` +
        `${options.tokenKeys.length} token key(s), webhooks ${options.webhookSecret ? 'on' : 'off'}, lease ledger in ${ledgerIn})`,
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    console.error(
      code === 'EADDRINUSE'
        ? `bank-pay-session relay: port ${parsed.port} is already in use; choose another with --port.`
        : `bank-pay-session relay: could not listen: ${(error as Error).message}`,
    );
    process.exitCode = 1;
  }
}
