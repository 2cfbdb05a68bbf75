/**
 * The lease ledger in a real redis-server on loopback: the store contract the memory store
 * passes too, then two relay instances sharing it: signals to either keep the session, one
 * cancel across both when the page goes silent, and an instance killed (SIGKILL, a real
 * process) while holding entries, which the other then acts on. Skipped with a message naming
 * the Debian package when redis-server is missing; a failure instead when CI=true.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createSession, type CreatedSession } from '../../src/relay/index.js';
import type { LedgerStore } from '../../src/relay/ledger/store.js';
import { createRedisLedgerStore, DEFAULT_KEY_PREFIX } from '../../src/relay/redis.js';
import { sleep } from '../../src/relay/retry.js';
import { CLIENT, EFT_REQUEST, eventually, relayEnv, SHOP_ORIGIN, startHarness, type Harness } from './harness.js';
import { describeLedgerStoreContract } from './ledger-store-contract.js';
import { startRedisServer, type RunningRedis } from './redis-server.js';

const LEASE_MS = 1000;
const LEASES = { leaseMs: LEASE_MS, sweepIntervalMs: 100 };
const BOUND_MS = 3000;
const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

let redis: RunningRedis | undefined;
let skipReason = '';
before(async () => {
  const started = await startRedisServer();
  if ('skip' in started) {
    skipReason = started.skip;
    console.warn(`\n⚠ ${skipReason}\n`);
  } else {
    redis = started;
  }
});
after(() => redis?.stop());

/** A fresh key prefix: every test sees only its own keys on the one server. */
const freshPrefix = () => `bank-pay-test:{${randomUUID()}}:`;

describeLedgerStoreContract('redis', () => redis && { make: () => createRedisLedgerStore({ url: redis!.url, keyPrefix: freshPrefix() }) }, 'redis-server is not installed');

async function signal(relayUrl: string, session: CreatedSession, kind: string): Promise<number> {
  const response = await fetch(`${relayUrl}/bank-pay/signals`, {
    method: 'POST',
    headers: { origin: SHOP_ORIGIN },
    body: JSON.stringify({ sessionId: session.sessionId, token: session.cancelToken, signal: kind }),
  });
  await response.body?.cancel();
  return response.status;
}

describe('two relay instances sharing one Redis ledger', { concurrency: true }, () => {
  let a: Harness;
  let b: Harness;
  const stores: LedgerStore[] = [];
  before(async () => {
    if (!redis) return;
    const keyPrefix = freshPrefix();
    // Each instance with its own connection, as two processes would have.
    stores.push(await createRedisLedgerStore({ url: redis.url, keyPrefix }), await createRedisLedgerStore({ url: redis.url, keyPrefix }));
    a = await startHarness({ relay: { leases: { ...LEASES, store: stores[0]! } } });
    b = await startHarness({ sharedSandbox: a.sandbox, relay: { tokenKeys: a.tokenKeys, leases: { ...LEASES, store: stores[1]! } } });
  });
  after(async () => {
    await b?.close();
    await a?.close();
    await Promise.all(stores.map((store) => store.close()));
  });

  test('heartbeats landing on either instance keep the session for three leases', async (t) => {
    if (!redis) return t.skip(skipReason);
    const session = await a.newSession();
    const until = Date.now() + 3 * LEASE_MS;
    for (let i = 0; Date.now() < until; i++) {
      assert.equal(await signal(i % 2 ? a.relayUrl : b.relayUrl, session, 'alive'), 200);
      await sleep(LEASE_MS / 4);
    }
    const view = await a.inspect(session.sessionId);
    assert.deepEqual([view.session.status, view.cancelCalls], ['Initiated', 0]);
    await a.cancel(session);
  });

  test('a page that goes silent is cancelled exactly once across both instances', async (t) => {
    if (!redis) return t.skip(skipReason);
    const session = await a.newSession();
    await signal(a.relayUrl, session, 'alive');
    await signal(b.relayUrl, session, 'alive');
    await eventually(async () => ((await a.inspect(session.sessionId)).session.status === 'Cancelled' ? true : undefined), LEASE_MS + BOUND_MS, 'the cancel');
    await sleep(500);
    assert.equal((await a.inspect(session.sessionId)).cancelCalls, 1);
    assert.equal([...a.auditLines(session.sessionId), ...b.auditLines(session.sessionId)].length, 1, 'one audit line, from the instance that acted');
  });

  test('a cancel on one instance: the other, and a duplicate to it, make no second provider call', async (t) => {
    if (!redis) return t.skip(skipReason);
    const session = await a.newSession();
    await signal(a.relayUrl, session, 'alive');
    assert.equal((await a.cancel(session)).body.outcome, 'cancelled');
    // Answered from the shared ledger: still under way, or already done (Cancelled).
    const duplicate = await b.cancel(session, { reason: 'page-gone' });
    assert.ok(duplicate.body.outcome === 'in-progress' || (duplicate.body.outcome === 'already-terminal' && duplicate.body.status === 'Cancelled'), JSON.stringify(duplicate.body));
    await sleep(LEASE_MS + 500);
    assert.equal((await a.inspect(session.sessionId)).cancelCalls, 1);
  });
});

describe('a relay process killed while it holds entries', () => {
  test('the surviving instance acts on them once their leases lapse', async (t) => {
    if (!redis) return t.skip(skipReason);
    // The process uses the CLI's default key prefix, so the survivor shares it (a fresh server's keys).
    const survivorStore = await createRedisLedgerStore({ url: redis.url, keyPrefix: DEFAULT_KEY_PREFIX });
    const survivor = await startHarness({ relay: { leases: { ...LEASES, store: survivorStore } } });
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'relay', '--port', '0', '--host', '127.0.0.1'], {
      env: {
        PATH: process.env.PATH ?? '',
        ...relayEnv(survivor.sandbox.url, survivor.tokenKeys),
        BPS_REDIS_URL: redis.url,
        BPS_LEASE_SECONDS: '2',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (chunk) => (out += chunk));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      const url = await eventually(() => /listening on (http:\/\/[^/\s]+)/.exec(out)?.[1], 20_000, 'the relay process to listen');
      const sessions = await Promise.all(
        [1, 2, 3].map(() => createSession({ provider: { url: survivor.sandbox.url, ...CLIENT }, tokenKey: survivor.tokenKeys[0]!, request: { ...EFT_REQUEST, referenceId: `kill-${randomUUID().slice(0, 8)}` } })),
      );
      for (const session of sessions) assert.equal(await signal(url, session, 'alive'), 200);
      child.kill('SIGKILL');
      await exited;
      for (const session of sessions) {
        await eventually(async () => ((await survivor.inspect(session.sessionId)).session.status === 'Cancelled' ? true : undefined), 2000 + BOUND_MS, 'the survivor to cancel');
        assert.equal((await survivor.inspect(session.sessionId)).cancelCalls, 1);
      }
      assert.deepEqual(survivor.auditLines().map((line) => line.rule), ['lease-lapsed', 'lease-lapsed', 'lease-lapsed']);
    } finally {
      child.kill('SIGKILL');
      await survivor.close();
      await survivorStore.close();
    }
  });
});

describe('a relay fleet that was down while leases lapsed', () => {
  test('on restart, silence is only counted after a whole lease of listening: a page that beats again is kept', async (t) => {
    if (!redis) return t.skip(skipReason);
    const keyPrefix = freshPrefix();
    const firstStore = await createRedisLedgerStore({ url: redis.url, keyPrefix });
    const first = await startHarness({ relay: { leases: { ...LEASES, store: firstStore } } });
    const freshStore = await createRedisLedgerStore({ url: redis.url, keyPrefix });
    let fresh: Harness | undefined;
    try {
      const back = await first.newSession();
      const gone = await first.newSession();
      for (const session of [back, gone]) assert.equal(await signal(first.relayUrl, session, 'alive'), 200);
      // The whole fleet stops sweeping (a deploy) for longer than a lease; the entries stay in Redis.
      await first.relay.drain(0);
      await sleep(2 * LEASE_MS);
      fresh = await startHarness({ sharedSandbox: first.sandbox, relay: { tokenKeys: first.tokenKeys, leases: { ...LEASES, store: freshStore } } });
      const until = Date.now() + 2.5 * LEASE_MS;
      while (Date.now() < until) {
        assert.equal(await signal(fresh.relayUrl, back, 'alive'), 200);
        await sleep(LEASE_MS / 4);
      }
      assert.equal((await fresh.inspect(back.sessionId)).cancelCalls, 0, 'the page that beat again is kept');
      await eventually(async () => ((await fresh!.inspect(gone.sessionId)).session.status === 'Cancelled' ? true : undefined), 2 * LEASE_MS + BOUND_MS, 'the silent one, a lease later');
      assert.ok(fresh.logs.some((line) => line.type === 'bank-pay.lease' && line.event === 'kept' && line.sessionId === gone.sessionId), 'first kept while the relay had not listened a lease');
    } finally {
      await fresh?.close();
      await first.close();
      await Promise.all([firstStore.close(), freshStore.close()]);
    }
  });
});
