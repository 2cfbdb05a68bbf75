/**
 * Section 3, the relay under load, on loopback, each server in its own process:
 *
 * - Overhead: the same number of cancels for fresh sessions, through the relay (which calls
 *   the sandbox), through a bare forwarding proxy (the same body, the same one provider
 *   call, no checks: bare-proxy-process.ts), and straight to the sandbox's cancel endpoint,
 *   in rounds whose order rotates. Latency in microseconds.
 * - Flood: a burst of cancels while the sandbox answers 1 s late, against a fresh relay with
 *   its shipped rate limits: its peak memory (VmHWM), how many got 429, and whether every
 *   cancel it accepted reached the sandbox.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeCancelRequest } from '../../src/protocol/cancel-request.js';
import { mintCancelToken } from '../../src/relay/cancel-token.js';
import { bundleForNode } from '../lib/bundle.js';
import { forkServer, readProcessMemory, type ChildServer } from '../lib/child.js';
import { median, round, roundSummary, summarize, type Summary } from '../lib/stats.js';
import { fire, type FireResult } from './fire.js';
import type { BareProxyReady } from './bare-proxy-process.js';
import type { LoadRelayReady } from './relay-process.js';
import type { CreatedLoadSession, LoadSandboxReady, SessionOutcomes } from './sandbox-process.js';

export interface RelayLoadSettings {
  readonly rounds: number;
  readonly requestsPerRound: number;
  readonly connections: number;
  readonly warmupRequests: number;
  readonly flood: {
    /** One flood per entry, of that many cancels: a smaller one first shows whether memory grows with the flood. */
    readonly requests: readonly number[];
    readonly connections: number;
    readonly providerLatencyMs: number;
    /** Distinct client addresses the flood comes from (x-forwarded-for behind a proxy). */
    readonly clientAddresses: number;
    /** Longest wait for accepted cancels to reach the sandbox after the burst. */
    readonly settleTimeoutMs: number;
  };
}

interface PathRound {
  readonly perSecond: number;
  readonly latencyUs: FireResult['latencyUs'];
  /** CPU time (user + system) of the process that answered (relay, proxy, or the sandbox for direct), per cancel. */
  readonly cpuUsPerCancel: number;
  readonly statusCounts: Record<string, number>;
}

export const PATHS = ['relay', 'proxy', 'direct'] as const;
export type LoadPath = (typeof PATHS)[number];

export interface PathFigures {
  readonly perSecond: Summary;
  readonly cpuUsPerCancel: Summary;
  readonly latencyP50Us: Summary;
  readonly latencyP99Us: Summary;
}

export interface FloodRound {
  readonly requests: number;
  readonly accepted: number;
  readonly rejected429: number;
  readonly statusCounts: Record<string, number>;
  readonly errors: number;
  /** Accepted cancels whose session the sandbox does not show as Cancelled. */
  readonly lost: number;
  readonly providerCancelCalls: number;
  readonly idleRssMb: number;
  readonly peakRssMb: number;
  readonly burstMs: number;
  readonly settledMs: number;
}

export interface RelayResults {
  /** Per path, over the rounds. */
  readonly paths: Record<LoadPath, PathFigures>;
  /** Medians over rounds of the per-round ratios. */
  readonly ratios: {
    /** relay p50 ÷ bare proxy p50 (target ≤ 1.5). */
    readonly latencyP50VsProxy: number;
    /** relay cancels/s ÷ bare proxy cancels/s (target ≥ 0.67). */
    readonly throughputVsProxy: number;
    readonly latencyP50VsDirect: number;
    readonly throughputVsDirect: number;
    /** relay CPU per cancel ÷ bare proxy CPU per cancel: the cost that does not depend on the machine's other load. */
    readonly cpuVsProxy: number;
  };
  readonly rounds: ReadonlyArray<Record<LoadPath, PathRound>>;
  readonly peakRssMb: number;
  readonly idleRssMb: number;
  readonly lost: number;
  readonly flood: ReadonlyArray<FloodRound>;
}

const CANCEL_PATH = '/bank-pay/cancel';
const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Credentials {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenKey: string;
}

interface Servers {
  readonly sandbox: ChildServer<LoadSandboxReady>;
  readonly relayEntry: string;
  readonly proxyEntry: string;
  readonly credentials: Credentials;
}

interface TokenedSession extends CreatedLoadSession {
  readonly token: string;
  /** The client address the request claims (flood only). */
  readonly clientAddress?: string;
}

async function createSessions(servers: Servers, count: number): Promise<TokenedSession[]> {
  const created = await servers.sandbox.request<CreatedLoadSession[]>({ type: 'create-sessions', count }, 120_000);
  return Promise.all(
    created.map(async (session) => ({
      ...session,
      token: await mintCancelToken({ sessionId: session.sessionId, expiresAt: session.expiresAt }, servers.credentials.tokenKey),
    })),
  );
}

async function startRelay(servers: Servers, env: Record<string, string>): Promise<ChildServer<LoadRelayReady>> {
  const { clientId, clientSecret, tokenKey } = servers.credentials;
  // BENCH_PROFILE_DIR=dir writes a V8 CPU profile of each relay process there (open it in Chrome's DevTools).
  const profileDir = process.env.BENCH_PROFILE_DIR;
  return forkServer<LoadRelayReady>(servers.relayEntry, {
    ...(profileDir ? { execArgv: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
    env: {
      BENCH_PROVIDER_URL: servers.sandbox.ready.url,
      BENCH_CLIENT_ID: clientId,
      BENCH_CLIENT_SECRET: clientSecret,
      BENCH_TOKEN_KEY: tokenKey,
      ...env,
    },
  });
}

async function sandboxAccessToken(servers: Servers): Promise<string> {
  const { clientId, clientSecret } = servers.credentials;
  const response = await fetch(`${servers.sandbox.ready.url}/api/v1/authorize`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  if (!response.ok) throw new Error(`the sandbox refused to authorize the bench (${response.status})`);
  return ((await response.json()) as { access_token: string }).access_token;
}

const relayCancel = (session: TokenedSession) => ({
  path: CANCEL_PATH,
  headers: {
    'content-type': 'text/plain;charset=UTF-8',
    ...(session.clientAddress ? { 'x-forwarded-for': session.clientAddress } : {}),
  },
  body: encodeCancelRequest({ sessionId: session.sessionId, token: session.token, reason: 'page-unload' }),
});

const directCancel = (accessToken: string) => (session: TokenedSession) => ({
  path: `/api/v2/sessions/${session.sessionId}/cancel`,
  headers: { authorization: `Bearer ${accessToken}` },
  body: '',
});

function assertAllCancelled(result: FireResult, label: string): void {
  const refused = result.statuses.filter((status) => status !== 200).length;
  if (refused > 0) throw new Error(`${label}: ${refused} of ${result.statuses.length} cancels were not answered 200 (${JSON.stringify(result.statusCounts)})`);
}

/** CPU time a process has used so far, in µs, from /proc (0 where there is none). */
function cpuTimeUs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, fields 14 and 15 of stat(5), counted from the state (field 3) here.
    return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

async function runPath(servers: Servers, path: LoadPath, targets: Record<'relay' | 'proxy', { url: string; pid: number }>, count: number, connections: number): Promise<PathRound> {
  const sessions = await createSessions(servers, count);
  const pid = path === 'direct' ? servers.sandbox.pid : targets[path].pid;
  const cpuBefore = cpuTimeUs(pid);
  const result =
    path === 'direct'
      ? await fire({ url: servers.sandbox.ready.url, items: sessions, connections, request: directCancel(await sandboxAccessToken(servers)) })
      : await fire({ url: targets[path].url, items: sessions, connections, request: relayCancel });
  const cpuUsPerCancel = Math.round((cpuTimeUs(pid) - cpuBefore) / count);
  assertAllCancelled(result, path);
  await servers.sandbox.request({ type: 'reset' });
  return { perSecond: result.perSecond, latencyUs: result.latencyUs, cpuUsPerCancel, statusCounts: result.statusCounts };
}

async function startProxy(servers: Servers): Promise<ChildServer<BareProxyReady>> {
  const { clientId, clientSecret } = servers.credentials;
  const profileDir = process.env.BENCH_PROFILE_DIR;
  return forkServer<BareProxyReady>(servers.proxyEntry, {
    ...(profileDir ? { execArgv: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
    env: { BENCH_PROVIDER_URL: servers.sandbox.ready.url, BENCH_CLIENT_ID: clientId, BENCH_CLIENT_SECRET: clientSecret },
  });
}

async function measureOverhead(servers: Servers, settings: RelayLoadSettings, log: (line: string) => void) {
  const relay = await startRelay(servers, { BENCH_RATE_LIMIT: 'off' });
  const proxy = await startProxy(servers);
  const targets = { relay: { url: relay.ready.url, pid: relay.pid }, proxy: { url: proxy.ready.url, pid: proxy.pid } };
  try {
    // Warm-up (JIT, connection pools, provider tokens), not recorded.
    for (const path of PATHS) await runPath(servers, path, targets, settings.warmupRequests, settings.connections);
    const rounds: Array<Record<LoadPath, PathRound>> = [];
    for (let index = 0; index < settings.rounds; index++) {
      // Rotate which path goes first, so drift (other load, GC) falls on all alike.
      const order = PATHS.map((_, i) => PATHS[(i + index) % PATHS.length]!);
      const round: Partial<Record<LoadPath, PathRound>> = {};
      for (const path of order) round[path] = await runPath(servers, path, targets, settings.requestsPerRound, settings.connections);
      rounds.push(round as Record<LoadPath, PathRound>);
      log(`  round ${index + 1}: ${PATHS.map((path) => `${path} ${Math.round(round[path]!.perSecond)}/s (p50 ${round[path]!.latencyUs.p50} µs, ${round[path]!.cpuUsPerCancel} µs CPU)`).join(', ')}`);
    }
    return rounds;
  } finally {
    await relay.stop();
    await proxy.stop();
  }
}

function clientAddress(index: number, addresses: number): string {
  const n = index % addresses;
  return `10.0.${Math.floor(n / 250)}.${(n % 250) + 1}`;
}

async function floodOnce(servers: Servers, settings: RelayLoadSettings['flood'], requests: number, log: (line: string) => void): Promise<FloodRound> {
  await servers.sandbox.request({ type: 'reset' });
  const creating = Date.now();
  const warmup = (await createSessions(servers, 50)).map((session) => ({ ...session, clientAddress: '10.255.0.1' }));
  const sessions = (await createSessions(servers, requests)).map((session, index) => ({
    ...session,
    clientAddress: clientAddress(index, settings.clientAddresses),
  }));
  log(`  ${sessions.length + warmup.length} sessions created and tokens minted in ${Date.now() - creating} ms`);
  // The shipped limits, with the client address read from the proxy header as a deployment
  // behind a load balancer does; the warm-up comes from an address of its own.
  const relay = await startRelay(servers, { BENCH_RATE_LIMIT: 'default', BENCH_CLIENT_IP_HEADER: 'x-forwarded-for' });
  const faultsUrl = `${servers.sandbox.ready.url}/sandbox/faults`;
  try {
    await fire({ url: relay.ready.url, items: warmup, connections: 10, request: relayCancel });
    const idle = readProcessMemory(relay.pid);
    const faults = await fetch(faultsUrl, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: settings.providerLatencyMs }),
    });
    if (!faults.ok) throw new Error(`the sandbox refused the latency fault (${faults.status})`);

    let sampledPeak = 0;
    const sampler = setInterval(() => {
      sampledPeak = Math.max(sampledPeak, readProcessMemory(relay.pid)?.rssBytes ?? 0);
    }, 25);
    const burstStart = Date.now();
    const result = await fire({ url: relay.ready.url, items: sessions, connections: settings.connections, request: relayCancel });
    const burstMs = Date.now() - burstStart;

    // 200 (cancelled) and 202 (accepted, still retrying) are the relay taking the cancel on.
    const acceptedIds = sessions.filter((_, index) => [200, 202].includes(result.statuses[index]!)).map((session) => session.sessionId);
    let outcomes = await servers.sandbox.request<SessionOutcomes>({ type: 'outcomes', sessionIds: acceptedIds });
    const deadline = Date.now() + settings.settleTimeoutMs;
    while (outcomes.cancelled < acceptedIds.length && Date.now() < deadline) {
      await sleep(250);
      outcomes = await servers.sandbox.request<SessionOutcomes>({ type: 'outcomes', sessionIds: acceptedIds });
    }
    const settledMs = Date.now() - burstStart;
    clearInterval(sampler);
    const peak = Math.max(readProcessMemory(relay.pid)?.peakRssBytes ?? 0, sampledPeak);
    const summary: FloodRound = {
      requests: sessions.length,
      accepted: acceptedIds.length,
      rejected429: result.statusCounts['429'] ?? 0,
      statusCounts: result.statusCounts,
      errors: result.errors,
      lost: acceptedIds.length - outcomes.cancelled,
      providerCancelCalls: outcomes.cancelCalls,
      idleRssMb: round((idle?.rssBytes ?? 0) / MB),
      peakRssMb: round(peak / MB),
      burstMs,
      settledMs,
    };
    if (summary.lost > 0) log(`  lost sessions (first ${outcomes.notCancelled.length}): ${outcomes.notCancelled.join(', ')}`);
    log(
      `  flood: ${summary.requests} cancels in ${burstMs} ms, ${summary.accepted} accepted, ${summary.rejected429} × 429, lost ${summary.lost}, relay RSS ${summary.idleRssMb} MB idle → ${summary.peakRssMb} MB peak`,
    );
    return summary;
  } finally {
    await fetch(faultsUrl, { method: 'DELETE' }).catch(() => undefined);
    await relay.stop();
  }
}

export async function measureRelay(root: string, settings: RelayLoadSettings, log: (line: string) => void): Promise<RelayResults> {
  const [sandboxEntry, relayEntry, proxyEntry] = await Promise.all([
    bundleForNode(join(root, 'bench/relay-load/sandbox-process.ts'), join(root, 'bench/out/load-sandbox.mjs')),
    bundleForNode(join(root, 'bench/relay-load/relay-process.ts'), join(root, 'bench/out/load-relay.mjs')),
    bundleForNode(join(root, 'bench/relay-load/bare-proxy-process.ts'), join(root, 'bench/out/load-proxy.mjs')),
  ]);
  // Throwaway credentials for this run only; they go to the children through the environment.
  const credentials: Credentials = {
    clientId: 'bench-client',
    clientSecret: randomBytes(24).toString('base64url'),
    tokenKey: randomBytes(32).toString('base64url'),
  };
  const sandbox = await forkServer<LoadSandboxReady>(sandboxEntry, {
    env: { BENCH_CLIENT_ID: credentials.clientId, BENCH_CLIENT_SECRET: credentials.clientSecret },
  });
  const servers: Servers = { sandbox, relayEntry, proxyEntry, credentials };
  try {
    const rounds = await measureOverhead(servers, settings, log);
    const flood: FloodRound[] = [];
    for (const requests of settings.flood.requests) flood.push(await floodOnce(servers, settings.flood, requests, log));

    const summary = (values: number[]) => roundSummary(summarize(values))!;
    const ratio = (of: (round: Record<LoadPath, PathRound>) => number) => round(median(rounds.map(of))!, 2);
    const figures = (path: LoadPath): PathFigures => ({
      perSecond: summary(rounds.map((r) => r[path].perSecond)),
      cpuUsPerCancel: summary(rounds.map((r) => r[path].cpuUsPerCancel)),
      latencyP50Us: summary(rounds.map((r) => r[path].latencyUs.p50)),
      latencyP99Us: summary(rounds.map((r) => r[path].latencyUs.p99)),
    });
    return {
      paths: { relay: figures('relay'), proxy: figures('proxy'), direct: figures('direct') },
      ratios: {
        latencyP50VsProxy: ratio((r) => r.relay.latencyUs.p50 / r.proxy.latencyUs.p50),
        throughputVsProxy: ratio((r) => r.relay.perSecond / r.proxy.perSecond),
        latencyP50VsDirect: ratio((r) => r.relay.latencyUs.p50 / r.direct.latencyUs.p50),
        throughputVsDirect: ratio((r) => r.relay.perSecond / r.direct.perSecond),
        cpuVsProxy: ratio((r) => r.relay.cpuUsPerCancel / r.proxy.cpuUsPerCancel),
      },
      rounds,
      // The worst of the full-size floods: a bound must hold every time, not on average.
      peakRssMb: Math.max(...flood.filter((r) => r.requests === Math.max(...settings.flood.requests)).map((r) => r.peakRssMb)),
      idleRssMb: median(flood.map((r) => r.idleRssMb)) ?? 0,
      lost: flood.reduce((sum, r) => sum + r.lost, 0),
      flood,
    };
  } finally {
    await sandbox.stop();
  }
}
