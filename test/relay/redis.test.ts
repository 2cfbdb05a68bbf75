/**
 * The Redis intent store against a real redis-server on loopback: the shared store contract,
 * then two relay instances sharing one Redis (an intent on one and a revoke on the other cancel
 * nothing; a grace that ends is acted on once across both), and a restarted relay resuming an
 * intent it never received. Skipped with a message naming the Debian package when
 * redis-server is missing; a failure instead when CI=true.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { MIN_INTENT_GRACE_MS } from '../../src/protocol/cancel-request.js';
import type { IntentStore } from '../../src/relay/intent-store.js';
import { createRedisIntentStore } from '../../src/relay/redis.js';
import { sleep } from '../../src/relay/retry.js';
import { describeIntentStoreContract } from './intent-store-contract.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { CLIENT, eventually, randomKey, SHOP_ORIGIN, startHarness, type Harness } from './harness.js';
import { startRedisServer, type RunningRedis } from './redis-server.js';

const GRACE_MS = MIN_INTENT_GRACE_MS;
const POLL_MS = 100;
const pastTheGrace = () => sleep(GRACE_MS + 800);

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

// The groups wait on graces side by side, so the file takes about one grace or two.
describe('the Redis intent store', { concurrency: true }, () => {
  describeIntentStoreContract('redis', () =>
    redis && { make: (maxPending) => createRedisIntentStore({ url: redis!.url, keyPrefix: freshPrefix(), ...(maxPending ? { maxPending } : {}) }) },
  );

  function sharedRelay(store: IntentStore, extra: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
    return startHarness({ ...extra, relay: { ...extra.relay, intents: { store, graceMs: GRACE_MS, pollIntervalMs: POLL_MS } } });
  }

  function intentCancelLines(harnesses: Harness[], sessionId: string) {
    return harnesses.flatMap((h) => h.auditLines(sessionId)).filter((line) => line.phase === 'intent');
  }

  describe('two relay instances sharing one Redis', { concurrency: true }, () => {
    let a: Harness;
    let b: Harness;
    const stores: IntentStore[] = [];
    before(async () => {
      if (!redis) return;
      const keyPrefix = freshPrefix();
      // Each instance with its own connection, as two processes would have.
      stores.push(await createRedisIntentStore({ url: redis.url, keyPrefix }), await createRedisIntentStore({ url: redis.url, keyPrefix }));
      a = await sharedRelay(stores[0]!);
      b = await sharedRelay(stores[1]!, { sharedSandbox: a.sandbox, relay: { tokenKeys: a.tokenKeys } });
    });
    after(async () => {
      await b?.close();
      await a?.close();
      await Promise.all(stores.map((store) => store.close()));
    });

    test('an intent on A and its revoke on B: nothing is cancelled', async (t) => {
      if (!redis) return t.skip(skipReason);
      const session = await a.newSession();
      assert.equal((await a.phase(session, 'intent')).body.outcome, 'pending');
      assert.deepEqual((await b.phase(session, 'revoke')).body, { outcome: 'revoked' });
      await pastTheGrace();
      const view = await a.inspect(session.sessionId);
      assert.equal(view.session.status, 'Initiated');
      assert.equal(view.cancelCalls, 0);
    });

    test('intents whose grace ends are acted on exactly once across both instances', async (t) => {
      if (!redis) return t.skip(skipReason);
      // Received by A or by B; both instances wait on their own and both poll the store.
      const sessions = await Promise.all(Array.from({ length: 6 }, () => a.newSession()));
      await Promise.all(sessions.map((session, index) => (index % 2 ? b : a).phase(session, 'intent')));
      for (const session of sessions) {
        const view = await eventually(async () => {
          const seen = await a.inspect(session.sessionId);
          return seen.session.status === 'Cancelled' ? seen : undefined;
        }, GRACE_MS + 5000, 'the intent to be acted on');
        assert.equal(view.cancelCalls, 1);
      }
      await sleep(POLL_MS * 3);
      for (const session of sessions) {
        assert.equal((await a.inspect(session.sessionId)).cancelCalls, 1, 'still one provider cancel after more polls');
        assert.equal(intentCancelLines([a, b], session.sessionId).length, 1, 'one audit line across both instances');
      }
    });

    test('an intent on A, the confirm on B: cancelled at once, nothing more when the grace ends', async (t) => {
      if (!redis) return t.skip(skipReason);
      const session = await a.newSession();
      await a.phase(session, 'intent');
      assert.equal((await b.phase(session, 'confirm')).body.outcome, 'cancelled');
      assert.deepEqual((await a.phase(session, 'intent')).body, { outcome: 'already-acted' }, 'A knows B acted');
      await pastTheGrace();
      assert.equal((await a.inspect(session.sessionId)).cancelCalls, 1);
      assert.equal(intentCancelLines([a, b], session.sessionId).length, 0);
    });

    test('the store holds no secret: only ids, deadlines and the token expiry', async (t) => {
      if (!redis) return t.skip(skipReason);
      const session = await a.newSession();
      await a.phase(session, 'intent');
      const client = createClient({ url: redis.url });
      await client.connect();
      try {
        const keys = await client.keys('bank-pay-test:*');
        const values = await Promise.all(keys.filter((key) => key.includes(':s:')).map((key) => client.get(key)));
        const dump = JSON.stringify(values);
        assert.ok(dump.includes(session.sessionId), 'the pending intent is there');
        assert.ok(!dump.includes(session.cancelToken), 'but not its token');
        assert.ok(!dump.includes(a.tokenKeys[0]!));
      } finally {
        await client.close();
        await a.phase(session, 'revoke');
      }
    });
  });

  describe('a relay restarted while an intent is pending', () => {
    test('resumes it: the new instance acts on it once its grace ends', async (t) => {
      if (!redis) return t.skip(skipReason);
      const keyPrefix = freshPrefix();
      // The provider outlives both relay instances.
      const sandbox = await startSandbox({ port: 0, clients: [CLIENT], allowedOrigins: [SHOP_ORIGIN] });
      const tokenKeys = [randomKey()];
      const firstStore = await createRedisIntentStore({ url: redis.url, keyPrefix });
      const first = await sharedRelay(firstStore, { sharedSandbox: sandbox, relay: { tokenKeys } });
      let restarted: Harness | undefined;
      let secondStore: IntentStore | undefined;
      try {
        const session = await first.newSession();
        await first.phase(session, 'intent');
        // Stops before the grace ends: its own wait is dropped, the intent stays in Redis.
        assert.deepEqual(await first.relay.drain(0), { settled: 0, abandoned: 0, intentsLeft: 1 });
        await first.close();
        await firstStore.close();
        assert.equal((await first.inspect(session.sessionId)).cancelCalls, 0);

        secondStore = await createRedisIntentStore({ url: redis.url, keyPrefix });
        restarted = await sharedRelay(secondStore, { sharedSandbox: sandbox, relay: { tokenKeys } });
        const view = await eventually(async () => {
          const seen = await restarted!.inspect(session.sessionId);
          return seen.session.status === 'Cancelled' ? seen : undefined;
        }, GRACE_MS + 5000, 'the resumed intent to be acted on');
        assert.equal(view.cancelCalls, 1);
        const [line] = intentCancelLines([restarted], session.sessionId);
        assert.equal(line?.outcome, 'cancelled');
      } finally {
        await restarted?.close();
        await secondStore?.close();
        await sandbox.close();
      }
    });
  });

  describe('createRedisIntentStore', { concurrency: true }, () => {
    test('an unreachable Redis is a clear error at once, without the password of the URL', async () => {
      await assert.rejects(
        createRedisIntentStore({ url: 'redis://relay:hunter2@127.0.0.1:1' }),
        (error: Error) => /could not connect to Redis for the intent store/.test(error.message) && !error.message.includes('hunter2'),
      );
    });

    test('takes a connected node-redis client, and leaves it open on close', async (t) => {
      if (!redis) return t.skip(skipReason);
      const client = createClient({ url: redis.url });
      await client.connect();
      try {
        const store = await createRedisIntentStore({ client, keyPrefix: freshPrefix() });
        assert.equal(store.shared, true);
        const id = randomUUID();
        assert.equal((await store.apply(id, { type: 'revoke' }, Date.now())).verdict, 'nothing-pending');
        await store.close();
        assert.equal(await client.ping(), 'PONG');
      } finally {
        await client.close();
      }
    });

    test('refuses bad options by name', async () => {
      await assert.rejects(createRedisIntentStore({}), /needs a client or a url/);
      await assert.rejects(createRedisIntentStore({ url: 'redis://x', maxPending: 0 }), /maxPending/);
      await assert.rejects(createRedisIntentStore({ client: {} as never }), /sendCommand/);
    });
  });
});
