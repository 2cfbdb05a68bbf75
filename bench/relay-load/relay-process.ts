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
 */
import { createRelay } from '../../src/relay/index.js';
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

try {
  const relay = createRelay({
    provider: { url: required('BENCH_PROVIDER_URL'), clientId: required('BENCH_CLIENT_ID'), clientSecret: required('BENCH_CLIENT_SECRET') },
    tokenKeys: [required('BENCH_TOKEN_KEY')],
    allowedOrigins: ['http://localhost:5173'],
    ...(process.env.BENCH_RATE_LIMIT === 'off' ? { rateLimit: false as const } : {}),
    ...(process.env.BENCH_CLIENT_IP_HEADER ? { clientIpHeader: process.env.BENCH_CLIENT_IP_HEADER } : {}),
  });
  const served = await serveRelay(relay, { port: 0, host: '127.0.0.1' });
  const stop = () => void served.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  announceReady({ url: served.url } satisfies LoadRelayReady);
} catch (error) {
  announceFailure(error);
  process.exit(1);
}
