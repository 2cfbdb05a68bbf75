/**
 * Child process: the relay under load, served on Node exactly as a merchant serves it
 * (createRelay + serveRelay), with its default audit log on stdout (discarded by the parent)
 * so the logging cost is part of the figure. Run from a bundle with plain `node`, so its
 * memory is the relay's, not a TypeScript loader's.
 *
 * Settings come from the environment (secrets never on the command line):
 *   BENCH_PROVIDER_URL, BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, BENCH_TOKEN_KEY
 *   BENCH_RATE_LIMIT        `off`, or `default` for the relay's shipped limits
 *   BENCH_CLIENT_IP_HEADER  when set, the client address is read from this header (behind a proxy)
 * and for the reliability section:
 *   BENCH_AUDIT_FILE        the log goes to this file instead, one JSON line per write, written
 *                           synchronously (a SIGKILL loses nothing already logged)
 *   BENCH_HANDLE_SIGNALS    `1`: serveRelay's own SIGTERM / SIGINT handling (drain, second signal)
 *   BENCH_REDIS_URL         the lease ledger in this Redis
 *   BENCH_ANSWER_WITHIN_MS, BENCH_MAX_RETRY_WINDOW_MS, BENCH_CLAIM_MS, BENCH_DRAIN_MS
 */
import { openSync, writeSync } from 'node:fs';
import { createRelay, type RelayOptions } from '../../src/relay/index.js';
import { serveRelay } from '../../src/relay/node.js';
import { announceFailure, announceReady } from '../lib/child.js';

export interface LoadRelayReady {
  readonly url: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const numberFrom = (name: string): number | undefined => (process.env[name] ? Number(process.env[name]) : undefined);

try {
  const auditFile = process.env.BENCH_AUDIT_FILE;
  const fd = auditFile ? openSync(auditFile, 'a') : undefined;
  const log = fd === undefined ? undefined : (line: Record<string, unknown>) => void writeSync(fd, `${JSON.stringify(line)}\n`);
  const answerWithinMs = numberFrom('BENCH_ANSWER_WITHIN_MS');
  const maxRetryWindowMs = numberFrom('BENCH_MAX_RETRY_WINDOW_MS');
  const claimMs = numberFrom('BENCH_CLAIM_MS');
  let leases: RelayOptions['leases'];
  if (process.env.BENCH_REDIS_URL) {
    const { createRedisLedgerStore } = await import('../../src/relay/redis.js');
    leases = { store: await createRedisLedgerStore({ url: process.env.BENCH_REDIS_URL }), ...(claimMs ? { claimMs } : {}) };
  } else if (claimMs) leases = { claimMs };
  const relay = createRelay({
    provider: { url: required('BENCH_PROVIDER_URL'), clientId: required('BENCH_CLIENT_ID'), clientSecret: required('BENCH_CLIENT_SECRET') },
    tokenKeys: [required('BENCH_TOKEN_KEY')],
    allowedOrigins: ['http://localhost:5173'],
    ...(process.env.BENCH_RATE_LIMIT === 'off' ? { rateLimit: false as const } : {}),
    ...(process.env.BENCH_CLIENT_IP_HEADER ? { clientIpHeader: process.env.BENCH_CLIENT_IP_HEADER } : {}),
    ...(log ? { log } : {}),
    ...(answerWithinMs ? { answerWithinMs } : {}),
    ...(maxRetryWindowMs ? { maxRetryWindowMs } : {}),
    ...(leases ? { leases } : {}),
  });
  const handleSignals = process.env.BENCH_HANDLE_SIGNALS === '1';
  const drainTimeoutMs = numberFrom('BENCH_DRAIN_MS');
  const served = await serveRelay(relay, { port: 0, host: '127.0.0.1', handleSignals, ...(drainTimeoutMs ? { drainTimeoutMs } : {}), ...(log ? { log } : {}) });
  const stop = () => void served.close().finally(() => process.exit(0));
  if (!handleSignals) process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  announceReady({ url: served.url } satisfies LoadRelayReady);
} catch (error) {
  announceFailure(error);
  process.exit(1);
}
