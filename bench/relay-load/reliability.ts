/**
 * The reliability section: the fault matrix. For each fault, N legitimate cancels (a valid
 * token each, for a live sandbox session) go to a real relay process, and each one is judged
 * from the truth afterwards:
 *
 * - **Cancelled**: the sandbox shows the session Cancelled;
 * - **reported failed**: not cancelled, and the relay said so (a 502 answer, or an outcome
 *   line `failed` in its audit log: given up after the retry window, or abandoned at shutdown);
 * - **traced, unfinished**: not cancelled, no outcome, but its acceptance line is in the log
 *   (the process was killed before the provider answered, and nothing took it over);
 * - **lost silently**: none of these. The goal is 0.
 *
 * Relay children log to a file with synchronous writes, so what a SIGKILL cuts off is only
 * what had not been written.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { encodeCancelRequest } from '../../src/protocol/cancel-request.js';
import { mintCancelToken } from '../../src/relay/cancel-token.js';
import { bundleForNode } from '../lib/bundle.js';
import { forkServer, type ChildServer } from '../lib/child.js';
import type { LoadRelayReady } from './relay-process.js';
import type { CreatedLoadSession, LoadSandboxReady } from './sandbox-process.js';
import { freePort } from '../../demo/free-port.js';

export interface ReliabilitySettings {
  /** Legitimate cancels per fault. */
  readonly cancels: number;
  /** Longest wait for the cancels to settle after a fault is lifted. */
  readonly settleTimeoutMs: number;
}

export interface FaultRow {
  readonly fault: string;
  readonly label: string;
  /** A few words, for the chart. */
  readonly short: string;
  /** What the relay ran on: one instance in memory, or two sharing Redis. */
  readonly setup: string;
  readonly cancels: number;
  readonly cancelled: number;
  readonly reportedFailed: number;
  readonly tracedUnfinished: number;
  readonly lostSilently: number;
  /** First answers the page got, by HTTP status. */
  readonly answers: Record<string, number>;
  readonly seconds: number;
}

export interface ReliabilityResults {
  readonly rows: readonly FaultRow[];
  readonly lostSilently: number;
  /** Faults not run, with why (no redis-server on this machine). */
  readonly skipped: Record<string, string>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ORIGIN = 'http://localhost:5173';

interface Context {
  readonly sandbox: ChildServer<LoadSandboxReady>;
  readonly relayEntry: string;
  readonly credentials: { clientId: string; clientSecret: string; tokenKey: string };
  readonly dir: string;
  readonly settings: ReliabilitySettings;
}

interface RunningRelay {
  readonly server: ChildServer<LoadRelayReady>;
  readonly auditFile: string;
  readonly exited: Promise<void>;
}

let relayCount = 0;

async function startRelay(ctx: Context, env: Record<string, string>): Promise<RunningRelay> {
  const auditFile = join(ctx.dir, `relay-${++relayCount}.jsonl`);
  const { clientId, clientSecret, tokenKey } = ctx.credentials;
  const server = await forkServer<LoadRelayReady>(ctx.relayEntry, {
    env: {
      BENCH_PROVIDER_URL: ctx.sandbox.ready.url,
      BENCH_CLIENT_ID: clientId,
      BENCH_CLIENT_SECRET: clientSecret,
      BENCH_TOKEN_KEY: tokenKey,
      BENCH_RATE_LIMIT: 'off',
      BENCH_AUDIT_FILE: auditFile,
      BENCH_HANDLE_SIGNALS: '1',
      // The page hears "retrying" after 1 s, not 4: the matrix is about what happens next.
      BENCH_ANSWER_WITHIN_MS: '1000',
      ...env,
    },
  });
  const exited = new Promise<void>((resolve) => {
    if (server.process.exitCode !== null) resolve();
    else server.process.once('exit', () => resolve());
  });
  return { server, auditFile, exited };
}

function auditLines(file: string): Array<Record<string, unknown>> {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function faults(ctx: Context, body: Record<string, unknown> | null): Promise<void> {
  const response = await fetch(`${ctx.sandbox.ready.url}/sandbox/faults`, {
    method: body ? 'PUT' : 'DELETE',
    ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw new Error(`the sandbox refused the faults (${response.status})`);
}

interface Tokened extends CreatedLoadSession {
  readonly token: string;
}

async function sessions(ctx: Context): Promise<Tokened[]> {
  const created = await ctx.sandbox.request<CreatedLoadSession[]>({ type: 'create-sessions', count: ctx.settings.cancels }, 60_000);
  return Promise.all(created.map(async (session) => ({ ...session, token: await mintCancelToken({ sessionId: session.sessionId, expiresAt: session.expiresAt }, ctx.credentials.tokenKey) })));
}

/** Sends each cancel as the element's fetch does; resolves with each answer's HTTP status (0: no answer). */
async function cancel(relay: RunningRelay, list: readonly Tokened[]): Promise<number[]> {
  return Promise.all(
    list.map(async (session) => {
      try {
        const response = await fetch(`${relay.server.ready.url}/bank-pay/cancel`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN },
          body: encodeCancelRequest({ sessionId: session.sessionId, token: session.token, reason: 'page-unload' }),
        });
        await response.arrayBuffer();
        return response.status;
      } catch {
        return 0;
      }
    }),
  );
}

async function statuses(ctx: Context, list: readonly Tokened[]): Promise<Record<string, string>> {
  return ctx.sandbox.request<Record<string, string>>({ type: 'statuses', sessionIds: list.map((s) => s.sessionId) });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !(await check())) await sleep(200);
}

const SHORT: Record<string, string> = {
  '5xx-30': '30% 5xx',
  '429-burst': '429 burst, Retry-After',
  'tokens-die': 'tokens die early',
  'outage-past-window': 'outage > retry window',
  sigterm: 'SIGTERM, in memory',
  'second-signal': 'second signal, in memory',
  sigkill: 'SIGKILL, in memory',
  'sigterm-redis': 'SIGTERM, 2 instances on Redis',
  'sigkill-redis': 'SIGKILL, 2 instances on Redis',
};

function judge(fault: string, label: string, setup: string, list: readonly Tokened[], answers: readonly number[], status: Record<string, string>, relays: readonly RunningRelay[], startedAt: number): FaultRow {
  const lines = relays.flatMap((relay) => auditLines(relay.auditFile));
  let cancelled = 0;
  let reportedFailed = 0;
  let tracedUnfinished = 0;
  let lostSilently = 0;
  list.forEach((session, index) => {
    const own = lines.filter((line) => line.sessionId === session.sessionId);
    if (/^cancel+ed$/i.test(status[session.sessionId] ?? '')) cancelled += 1;
    else if (answers[index] === 502 || own.some((line) => line.type === 'bank-pay.cancel' && line.outcome === 'failed')) reportedFailed += 1;
    else if (own.some((line) => line.type === 'bank-pay.cancel-accepted')) tracedUnfinished += 1;
    else lostSilently += 1;
  });
  const counts: Record<string, number> = {};
  for (const answer of answers) counts[String(answer)] = (counts[String(answer)] ?? 0) + 1;
  return { fault, label, short: SHORT[fault] ?? fault, setup, cancels: list.length, cancelled, reportedFailed, tracedUnfinished, lostSilently, answers: counts, seconds: Math.round((Date.now() - startedAt) / 100) / 10 };
}

async function stop(relay: RunningRelay): Promise<void> {
  await relay.server.stop(3000).catch(() => undefined);
}

/** A provider fault while the cancels go in; then the fault is lifted and the relay given time. */
async function providerFault(ctx: Context, fault: string, label: string, faultBody: Record<string, unknown>, options: { waves?: number; relayEnv?: Record<string, string>; holdMs?: number } = {}): Promise<FaultRow> {
  const startedAt = Date.now();
  const relay = await startRelay(ctx, options.relayEnv ?? {});
  try {
    const list = await sessions(ctx);
    await faults(ctx, faultBody);
    const answers: number[] = [];
    const waves = options.waves ?? 1;
    const size = Math.ceil(list.length / waves);
    for (let wave = 0; wave < waves; wave++) {
      answers.push(...(await cancel(relay, list.slice(wave * size, (wave + 1) * size))));
      if (wave < waves - 1) await sleep(1200);
    }
    if (options.holdMs) await sleep(options.holdMs);
    await faults(ctx, null);
    const settled = async () => {
      const status = await statuses(ctx, list);
      const outcomes = new Set(auditLines(relay.auditFile).filter((line) => line.type === 'bank-pay.cancel').map((line) => line.sessionId));
      return list.every((session) => /^cancel+ed$/i.test(status[session.sessionId] ?? '') || outcomes.has(session.sessionId));
    };
    await waitFor(settled, ctx.settings.settleTimeoutMs);
    return judge(fault, label, 'one instance, ledger in memory', list, answers, await statuses(ctx, list), [relay], startedAt);
  } finally {
    await faults(ctx, null).catch(() => undefined);
    await stop(relay);
  }
}

/** Cancels in flight (the provider down) when the relay is told to stop. */
async function shutdownFault(
  ctx: Context,
  fault: string,
  label: string,
  how: 'sigterm' | 'second-signal' | 'sigkill',
  redisUrl: string | undefined,
): Promise<FaultRow> {
  const startedAt = Date.now();
  const shared: Record<string, string> = redisUrl ? { BENCH_REDIS_URL: redisUrl, BENCH_CLAIM_MS: '3000', BENCH_DRAIN_MS: '2000' } : {};
  const first = await startRelay(ctx, shared);
  const second = redisUrl ? await startRelay(ctx, shared) : undefined;
  try {
    const list = await sessions(ctx);
    await faults(ctx, { errorRate: 1, errorStatus: 503 });
    const answers = await cancel(first, list);
    const child: ChildProcess = first.server.process;
    if (how === 'sigkill') child.kill('SIGKILL');
    else {
      child.kill('SIGTERM');
      if (how === 'second-signal') {
        await sleep(1000);
        child.kill('SIGTERM');
      }
    }
    await Promise.race([first.exited, sleep(15_000)]);
    await faults(ctx, null);
    if (second) await waitFor(async () => Object.values(await statuses(ctx, list)).every((status) => /^cancel+ed$/i.test(status)), ctx.settings.settleTimeoutMs);
    return judge(fault, label, redisUrl ? 'two instances sharing the ledger in Redis' : 'one instance, ledger in memory', list, answers, await statuses(ctx, list), second ? [first, second] : [first], startedAt);
  } finally {
    await faults(ctx, null).catch(() => undefined);
    first.server.process.kill('SIGKILL');
    if (second) await stop(second);
  }
}


/** A throwaway redis-server on loopback, without persistence; undefined when none is installed. */
async function startRedis(): Promise<{ url: string; stop(): Promise<void> } | undefined> {
  const binary = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => existsSync(path));
  if (!binary) return undefined;
  const port = await freePort();
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await sleep(300);
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function measureReliability(root: string, settings: ReliabilitySettings, log: (line: string) => void): Promise<ReliabilityResults> {
  const [sandboxEntry, relayEntry] = await Promise.all([
    bundleForNode(join(root, 'bench/relay-load/sandbox-process.ts'), join(root, 'bench/out/load-sandbox.mjs')),
    bundleForNode(join(root, 'bench/relay-load/relay-process.ts'), join(root, 'bench/out/load-relay.mjs')),
  ]);
  const credentials = { clientId: 'bench-client', clientSecret: randomBytes(24).toString('base64url'), tokenKey: randomBytes(32).toString('base64url') };
  const dir = join(root, 'bench/out/reliability');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const sandbox = await forkServer<LoadSandboxReady>(sandboxEntry, { env: { BENCH_CLIENT_ID: credentials.clientId, BENCH_CLIENT_SECRET: credentials.clientSecret } });
  const ctx: Context = { sandbox, relayEntry, credentials, dir, settings };
  const rows: FaultRow[] = [];
  const skipped: Record<string, string> = {};
  const record = (row: FaultRow) => {
    rows.push(row);
    log(`  ${row.label} (${row.setup}): ${row.cancelled} cancelled, ${row.reportedFailed} reported failed, ${row.tracedUnfinished} traced unfinished, ${row.lostSilently} lost silently of ${row.cancels} (${row.seconds} s)`);
  };
  try {
    record(await providerFault(ctx, '5xx-30', '30% of provider calls answer 503', { errorRate: 0.3, errorStatus: 503 }));
    record(await providerFault(ctx, '429-burst', `a burst of 429s with Retry-After: 1 (the next ${2 * settings.cancels} calls)`, { rateLimitNext: 2 * settings.cancels, retryAfterSeconds: 1 }));
    record(await providerFault(ctx, 'tokens-die', 'access tokens die after 1 s although expires_in says 299', { tokenLifetimeSeconds: 1 }, { waves: 4 }));
    record(
      await providerFault(ctx, 'outage-past-window', 'provider down (503) for 6 s, longer than a 3 s retry window', { errorRate: 1, errorStatus: 503 }, { relayEnv: { BENCH_MAX_RETRY_WINDOW_MS: '3000' }, holdMs: 5000 }),
    );
    record(await shutdownFault(ctx, 'sigterm', 'SIGTERM with cancels in flight (provider down), default drain', 'sigterm', undefined));
    record(await shutdownFault(ctx, 'second-signal', 'SIGTERM, then a second SIGTERM 1 s later', 'second-signal', undefined));
    record(await shutdownFault(ctx, 'sigkill', 'SIGKILL with cancels in flight', 'sigkill', undefined));
    const redis = await startRedis();
    if (!redis) {
      for (const fault of ['sigterm-redis', 'sigkill-redis']) skipped[fault] = 'redis-server is not installed';
    } else {
      try {
        record(await shutdownFault(ctx, 'sigterm-redis', 'SIGTERM with cancels in flight, 2 s drain', 'sigterm', redis.url));
        record(await shutdownFault(ctx, 'sigkill-redis', 'SIGKILL with cancels in flight', 'sigkill', redis.url));
      } finally {
        await redis.stop();
      }
    }
    return { rows, lostSilently: rows.reduce((sum, row) => sum + row.lostSilently, 0), skipped };
  } finally {
    await sandbox.stop();
  }
}
