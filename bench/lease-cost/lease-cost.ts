/**
 * Section 6, what the lease costs, at the relay's default lease (a minute):
 *
 * - Heartbeats: real element pages in Chromium against a stack with the default lease; the
 *   relay counts the lease signals it receives. Per live, visible session per minute.
 * - The relay with 10 000 live sessions: a relay process (bundled, plain `node`, ledger in its
 *   memory) gets one heartbeat per session, then each session's heartbeats at the interval the
 *   relay asks for (open loop, spread evenly), as 10 000 visible pages would send them. Its CPU
 *   (from /proc) and memory, against the same relay idle, and with the entries but no requests
 *   (the sweeper alone).
 * - The sweep with 10 000 entries in Redis: a real redis-server; the ledger filled with 10 000
 *   live sessions; one sweep with none due, then the time to sweep all of them once lapsed
 *   (claim, status read, act), with an instant provider so the figure is the ledger's own. The
 *   same in the memory store beside it.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { encodeSignalRequest } from '../../src/protocol/signal-request.js';
import { mintCancelToken } from '../../src/relay/cancel-token.js';
import { Ledger } from '../../src/relay/ledger/ledger.js';
import { createRedisLedgerStore } from '../../src/relay/ledger/redis-store.js';
import { createMemoryLedgerStore, type LedgerStore } from '../../src/relay/ledger/store.js';
import { ClaimKeeper } from '../../src/relay/ledger/claims.js';
import { Sweeper } from '../../src/relay/ledger/sweeper.js';
import { DEFAULTS as RELAY_DEFAULTS, resolveRelayOptions } from '../../src/relay/options.js';
import { startRedisServer } from '../../test/relay/redis-server.js';
import { openVariant } from '../delivery/variants.js';
import { bundleForNode } from '../lib/bundle.js';
import { forkServer, readProcessMemory, type ChildServer } from '../lib/child.js';
import { median, round } from '../lib/stats.js';
import { fire } from '../relay-load/fire.js';
import type { LoadRelayReady } from '../relay-load/relay-process.js';
import type { CreatedLoadSession, LoadSandboxReady } from '../relay-load/sandbox-process.js';
import type { BenchStack } from '../stack/stack.js';

export interface LeaseCostSettings {
  /** Element pages open at once for the heartbeat count. */
  readonly pages: number;
  /** How long their heartbeats are counted. */
  readonly heartbeatWindowMs: number;
  /** Live sessions the relay and the ledger hold. */
  readonly sessions: number;
  /** How long the relay gets the sessions' heartbeats (at least one interval, so every session beats). */
  readonly steadyMs: number;
  /** How long the relay is watched idle, and with the entries but no requests. */
  readonly quietMs: number;
}

export interface RelayUnderLeases {
  readonly sessions: number;
  readonly heartbeatMs: number;
  /** Heartbeats sent per second in the steady phase, and how many were not answered 200. */
  readonly heartbeatsPerSecond: number;
  readonly refused: number;
  /** Relay CPU, in % of one core. */
  readonly idleCpuPercent: number;
  readonly sweeperOnlyCpuPercent: number;
  readonly steadyCpuPercent: number;
  readonly idleRssMb: number;
  readonly steadyRssMb: number;
  readonly peakRssMb: number;
  /** Heartbeat latency in the steady phase (ms): p50, p99. */
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
}

export interface SweepFigures {
  readonly store: 'redis' | 'memory';
  readonly entries: number;
  /** Writing every entry (one heartbeat each, 64 at a time). */
  readonly fillMs: number;
  /** One sweep when none is due (median of 20). */
  readonly idleTickMs: number;
  /** Sweeps (one per sweep interval) from the first that acted to the last, once all lapsed at once. */
  readonly sweepTicks: number;
  /** The same, in time at the relay's sweep interval: how long the last lapsed session waits for its cancel. */
  readonly sweepAtIntervalMs: number;
  /** The work itself in those sweeps (claims, status reads, acts, store round trips), summed. */
  readonly sweepWorkMs: number;
  readonly acted: number;
}

export interface LeaseCostResults {
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  readonly heartbeatsPerSessionPerMinute: number;
  readonly heartbeatPages: number;
  readonly heartbeatWindowMs: number;
  readonly relay: RelayUnderLeases;
  readonly sweep: readonly SweepFigures[];
  /** Why the Redis sweep was not measured (redis-server missing). */
  readonly redisSkipped?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MB = 1024 * 1024;
const SIGNALS_PATH = '/bank-pay/signals';
/** The heartbeat interval the relay asks for at its default lease. */
const DEFAULT_HEARTBEAT_MS = RELAY_DEFAULTS.leaseMs / RELAY_DEFAULTS.heartbeatsPerLease;

/** Heartbeats per visible session per minute, counted at the relay, from real element pages. */
async function countHeartbeats(browser: Browser, stack: BenchStack, settings: LeaseCostSettings): Promise<number> {
  const contexts = await Promise.all(Array.from({ length: settings.pages }, () => browser.newContext()));
  try {
    for (const context of contexts) await openVariant(context, stack, 'element');
    // Past the first heartbeat of the last page, so every page is in its steady rhythm.
    await sleep(1000);
    const before = await stack.signalRequests();
    await sleep(settings.heartbeatWindowMs);
    const after = await stack.signalRequests();
    return round((after - before) / settings.pages / (settings.heartbeatWindowMs / 60_000), 2);
  } finally {
    for (const context of contexts) await context.close().catch(() => undefined);
  }
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU time a process used so far, in seconds (utime + stime from /proc). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** The relay's CPU over `ms`, in % of one core, while `during` runs (or nothing). */
async function cpuPercentOver<T>(pid: number, ms: number, during?: () => Promise<T>): Promise<{ percent: number; result?: T }> {
  const cpu = cpuSeconds(pid);
  const started = Date.now();
  const result = during ? await during() : (await sleep(ms), undefined);
  const elapsed = (Date.now() - started) / 1000;
  return { percent: round(((cpuSeconds(pid) - cpu) / elapsed) * 100, 1), ...(result === undefined ? {} : { result }) };
}

interface Tokened extends CreatedLoadSession {
  readonly token: string;
}

/**
 * Sends each session's heartbeat once per `intervalMs`, spread evenly (open loop: as many
 * pages would, whatever the relay's speed), for `durationMs`. Latencies in ms.
 */
async function heartbeatFor(url: string, sessions: readonly Tokened[], intervalMs: number, durationMs: number): Promise<{ sent: number; refused: number; latencies: number[] }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(SIGNALS_PATH, url);
  const latencies: number[] = [];
  let sent = 0;
  let refused = 0;
  const inFlight = new Set<Promise<void>>();
  const send = (session: Tokened) => {
    const body = encodeSignalRequest({ sessionId: session.sessionId, token: session.token, signal: 'alive' });
    const started = performance.now();
    const done = new Promise<void>((resolve) => {
      const req = httpRequest(target, { method: 'POST', agent, headers: { 'content-type': 'text/plain;charset=UTF-8', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) refused++;
          latencies.push(performance.now() - started);
          resolve();
        });
      });
      req.on('error', () => {
        refused++;
        resolve();
      });
      req.end(body);
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
    sent++;
  };
  const started = Date.now();
  const stepMs = 50;
  let next = 0;
  while (Date.now() - started < durationMs) {
    // Every session beats once per interval: the share of them due in this step goes now.
    const due = Math.floor(((Date.now() - started + stepMs) / intervalMs) * sessions.length);
    for (; next < due; next++) send(sessions[next % sessions.length]!);
    await sleep(stepMs);
  }
  await Promise.all(inFlight);
  agent.destroy();
  return { sent, refused, latencies };
}

async function measureRelayUnderLeases(root: string, settings: LeaseCostSettings, log: (line: string) => void): Promise<RelayUnderLeases> {
  const [sandboxEntry, relayEntry] = await Promise.all([
    bundleForNode(join(root, 'bench/relay-load/sandbox-process.ts'), join(root, 'bench/out/lease-sandbox.mjs')),
    bundleForNode(join(root, 'bench/relay-load/relay-process.ts'), join(root, 'bench/out/lease-relay.mjs')),
  ]);
  const clientId = 'bench-client';
  const clientSecret = randomBytes(24).toString('base64url');
  const tokenKey = randomBytes(32).toString('base64url');
  const sandbox = await forkServer<LoadSandboxReady>(sandboxEntry, { env: { BENCH_CLIENT_ID: clientId, BENCH_CLIENT_SECRET: clientSecret } });
  let relay: ChildServer<LoadRelayReady> | undefined;
  try {
    const created = await sandbox.request<CreatedLoadSession[]>({ type: 'create-sessions', count: settings.sessions }, 300_000);
    const sessions: Tokened[] = await Promise.all(created.map(async (session) => ({ ...session, token: await mintCancelToken(session, tokenKey) })));
    // The relay as shipped (leases on, in its memory), without rate limits: every heartbeat here comes from one address.
    relay = await forkServer<LoadRelayReady>(relayEntry, {
      env: { BENCH_PROVIDER_URL: sandbox.ready.url, BENCH_CLIENT_ID: clientId, BENCH_CLIENT_SECRET: clientSecret, BENCH_TOKEN_KEY: tokenKey, BENCH_RATE_LIMIT: 'off' },
    });
    const { pid } = relay;
    const idle = await cpuPercentOver(pid, settings.quietMs);
    const idleRss = readProcessMemory(pid)?.rssBytes ?? 0;
    // Every session's first heartbeat (which also reads its provider status once): the ledger now holds them all.
    const registered = await fire({
      url: relay.ready.url,
      items: sessions,
      connections: 10,
      request: (session) => ({
        path: SIGNALS_PATH,
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        body: encodeSignalRequest({ sessionId: session.sessionId, token: session.token, signal: 'alive' }),
      }),
    });
    const notAnswered = registered.statuses.filter((status) => status !== 200).length;
    if (notAnswered > 0) throw new Error(`${notAnswered} first heartbeats were not answered 200 (${JSON.stringify(registered.statusCounts)})`);
    log(`  ${settings.sessions} sessions registered by their first heartbeat in ${Math.round(registered.elapsedMs)} ms`);
    const steady = await cpuPercentOver(pid, settings.steadyMs, () => heartbeatFor(relay!.ready.url, sessions, DEFAULT_HEARTBEAT_MS, settings.steadyMs));
    const steadyRss = readProcessMemory(pid)?.rssBytes ?? 0;
    const sweeperOnly = await cpuPercentOver(pid, settings.quietMs);
    const memory = readProcessMemory(pid);
    const beats = steady.result!;
    const sorted = [...beats.latencies].sort((a, b) => a - b);
    const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0, 1);
    const figures: RelayUnderLeases = {
      sessions: settings.sessions,
      heartbeatMs: DEFAULT_HEARTBEAT_MS,
      heartbeatsPerSecond: round(beats.sent / (settings.steadyMs / 1000), 1),
      refused: beats.refused,
      idleCpuPercent: idle.percent,
      sweeperOnlyCpuPercent: sweeperOnly.percent,
      steadyCpuPercent: steady.percent,
      idleRssMb: round(idleRss / MB),
      steadyRssMb: round(steadyRss / MB),
      peakRssMb: round((memory?.peakRssBytes ?? 0) / MB),
      latencyP50Ms: at(0.5),
      latencyP99Ms: at(0.99),
    };
    log(
      `  relay, ${figures.sessions} live sessions: ${figures.heartbeatsPerSecond} heartbeats/s (${figures.refused} refused), CPU ${figures.steadyCpuPercent}% (idle ${figures.idleCpuPercent}%, sweeper alone ${figures.sweeperOnlyCpuPercent}%), RSS ${figures.idleRssMb} → ${figures.steadyRssMb} MB (peak ${figures.peakRssMb}), p50 ${figures.latencyP50Ms} ms, p99 ${figures.latencyP99Ms} ms`,
    );
    return figures;
  } finally {
    await relay?.stop();
    await sandbox.stop();
  }
}

/** The ledger's settings as the relay resolves them at its defaults (one source for them). */
function defaultLedgerSettings() {
  const resolved = resolveRelayOptions({
    provider: { url: 'http://127.0.0.1:9', clientId: 'bench', clientSecret: 'bench' },
    tokenKeys: [randomBytes(32).toString('base64url')],
    allowedOrigins: ['http://localhost:5173'],
  });
  if (!resolved.leases) throw new Error('the relay resolved without leases');
  return resolved.leases;
}

async function measureSweep(kind: SweepFigures['store'], store: LedgerStore, entries: number): Promise<SweepFigures> {
  const leases = defaultLedgerSettings();
  // The ledger's clock, moved on by the bench: a lease of silence passes without waiting for it.
  let offsetMs = 0;
  const ledger = new Ledger(store, leases.settings, 10_000, () => Date.now() + offsetMs);
  const ids = Array.from({ length: entries }, () => crypto.randomUUID());
  const tokenExpiresAt = Date.now() + 15 * 60_000;
  const fillStart = performance.now();
  for (let start = 0; start < ids.length; start += 64) {
    await Promise.all(ids.slice(start, start + 64).map((id) => ledger.apply(id, { type: 'alive', tokenExpiresAt })));
  }
  const fillMs = performance.now() - fillStart;

  let acted = 0;
  const sweeper = new Sweeper({
    ledger,
    claims: new ClaimKeeper(ledger),
    intervalMs: leases.sweepIntervalMs,
    // An instant provider: the figure is the ledger's and the store's own work. The cancel
    // settles its claim, as the relay's does once the provider answered.
    readStatus: async () => ({ kind: 'live' }),
    cancel: async (entry) => {
      acted++;
      await ledger.apply(entry.sessionId, { type: 'settle', claimId: entry.claimId });
    },
    report: () => undefined,
  });
  const idleTicks: number[] = [];
  for (let index = 0; index < 20; index++) {
    const started = performance.now();
    await sweeper.tick();
    idleTicks.push(performance.now() - started);
  }
  // The pages go silent while the relay keeps listening: its clock moves one sweep interval
  // per tick, as its timer would, until every entry lapsed and was acted on. Each tick's work
  // (claims, status reads, acts) is timed until the last of it settled.
  let ticks = 0;
  let firstActTick = 0;
  let workMs = 0;
  const maxTicks = Math.ceil(leases.leaseMs / leases.sweepIntervalMs) + entries + 10;
  while (acted < entries && ticks < maxTicks) {
    offsetMs += leases.sweepIntervalMs;
    ticks++;
    const before = acted;
    const started = performance.now();
    await sweeper.tick();
    while (sweeper.working > 0) await new Promise((resolve) => setImmediate(resolve));
    if (acted > before && !firstActTick) firstActTick = ticks;
    if (firstActTick) workMs += performance.now() - started;
  }
  await sweeper.stop(10_000);
  const sweepTicks = firstActTick ? ticks - firstActTick + 1 : 0;
  return {
    store: kind,
    entries,
    fillMs: round(fillMs),
    idleTickMs: round(median(idleTicks) ?? 0, 2),
    sweepTicks,
    sweepAtIntervalMs: sweepTicks * leases.sweepIntervalMs,
    sweepWorkMs: round(workMs),
    acted,
  };
}

export async function measureLeaseCost(
  root: string,
  browser: Browser,
  startStack: () => Promise<BenchStack>,
  settings: LeaseCostSettings,
  log: (line: string) => void,
): Promise<LeaseCostResults> {
  const stack = await startStack();
  let heartbeatsPerSessionPerMinute: number;
  try {
    heartbeatsPerSessionPerMinute = await countHeartbeats(browser, stack, settings);
  } finally {
    await stack.close();
  }
  log(`  heartbeats: ${heartbeatsPerSessionPerMinute} per visible session per minute (${settings.pages} pages, ${settings.heartbeatWindowMs / 1000} s, lease ${RELAY_DEFAULTS.leaseMs / 1000} s)`);

  const relay = await measureRelayUnderLeases(root, settings, log);

  const sweep: SweepFigures[] = [];
  const memory = createMemoryLedgerStore();
  sweep.push(await measureSweep('memory', memory, settings.sessions));
  await memory.close();
  let redisSkipped: string | undefined;
  const redis = await startRedisServer();
  if ('skip' in redis) {
    redisSkipped = redis.skip;
  } else {
    const store = await createRedisLedgerStore({ url: redis.url });
    try {
      sweep.push(await measureSweep('redis', store, settings.sessions));
    } finally {
      await store.close();
      await redis.stop();
    }
  }
  for (const figures of sweep) {
    log(
      `  sweep, ${figures.entries} entries in ${figures.store}: fill ${figures.fillMs} ms, a sweep with none due ${figures.idleTickMs} ms; all lapsed: ${figures.sweepTicks} sweeps (${figures.sweepAtIntervalMs / 1000} s at the sweep interval), ${figures.sweepWorkMs} ms of work, ${figures.acted} acted on`,
    );
  }
  if (redisSkipped) log(`  sweep in Redis: skipped (${redisSkipped})`);
  return {
    leaseMs: RELAY_DEFAULTS.leaseMs,
    heartbeatMs: DEFAULT_HEARTBEAT_MS,
    heartbeatsPerSessionPerMinute,
    heartbeatPages: settings.pages,
    heartbeatWindowMs: settings.heartbeatWindowMs,
    relay,
    sweep,
    ...(redisSkipped ? { redisSkipped } : {}),
  };
}
