/**
 * What every intent store must do, run against the memory store and the Redis store alike:
 * the rules of intent-machine.ts applied per session, case-insensitive session ids, `due` in
 * deadline order, a bound, and a claim that only one of many concurrent callers wins.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { PendingIntent } from '../../src/relay/intent-machine.js';
import type { IntentStore } from '../../src/relay/intent-store.js';

const GRACE = 3000;

export interface StoreFactory {
  /** A store of its own (fresh keys), holding at most `maxSessions` pending intents when given. */
  make(maxSessions?: number): Promise<IntentStore>;
}

export function intent(sessionId: string, receivedAt: number, graceMs = GRACE): PendingIntent {
  return { sessionId, reason: 'page-unload', receivedAt, deadline: receivedAt + graceMs, tokenExpiresAt: receivedAt + 15 * 60_000, origin: 'https://shop.example' };
}

export function describeIntentStoreContract(name: string, factory: () => StoreFactory | undefined): void {
  describe(`${name}: intent store contract`, () => {
    // The clock is the caller's: these tests move it by hand.
    const now = Date.now();
    const withStore = (body: (store: IntentStore) => Promise<void>, maxSessions?: number) => async (t: { skip(message: string): void }) => {
      const stores = factory();
      if (!stores) return t.skip('store not available');
      const store = await stores.make(maxSessions);
      try {
        await body(store);
      } finally {
        await store.close();
      }
    };

    test(
      'hold, revoke: the intent is gone and nothing is ever claimed for it',
      withStore(async (store) => {
        const id = randomUUID();
        const held = intent(id, now);
        assert.deepEqual(await store.apply(id, { type: 'intent', intent: held }, now), { verdict: 'held', intent: held });
        assert.deepEqual(await store.apply(id, { type: 'revoke' }, now + 1000), { verdict: 'revoked', intent: held });
        assert.equal((await store.apply(id, { type: 'grace-ended' }, now + GRACE)).verdict, 'nothing-pending');
        assert.equal((await store.apply(id, { type: 'revoke' }, now + GRACE)).verdict, 'nothing-pending');
        assert.deepEqual(await store.due(now + GRACE, 10), []);
      }),
    );

    test(
      'a second intent keeps the first deadline',
      withStore(async (store) => {
        const id = randomUUID();
        const first = intent(id, now);
        await store.apply(id, { type: 'intent', intent: first }, now);
        const again = await store.apply(id, { type: 'intent', intent: intent(id, now + 2000) }, now + 2000);
        assert.equal(again.verdict, 'already-pending');
        assert.deepEqual(again.intent, first);
      }),
    );

    test(
      'the grace-ended claim: not due before the deadline, then acted on once, with the intent as held',
      withStore(async (store) => {
        const id = randomUUID().toUpperCase();
        const held = intent(id, now);
        await store.apply(id, { type: 'intent', intent: held }, now);
        assert.equal((await store.apply(id, { type: 'grace-ended' }, held.deadline - 1)).verdict, 'not-due');
        assert.deepEqual(await store.apply(id, { type: 'grace-ended' }, held.deadline), { verdict: 'act', intent: held });
        assert.equal((await store.apply(id, { type: 'grace-ended' }, held.deadline + 1)).verdict, 'already-acted');
        assert.equal((await store.apply(id, { type: 'revoke' }, held.deadline + 1)).verdict, 'already-acted', 'too late to revoke');
        assert.equal((await store.apply(id, { type: 'intent', intent: intent(id, held.deadline + 2) }, held.deadline + 2)).verdict, 'already-acted');
      }),
    );

    test(
      'a confirm acts at once, drops the pending intent and refuses later ones',
      withStore(async (store) => {
        const id = randomUUID();
        await store.apply(id, { type: 'intent', intent: intent(id, now) }, now);
        assert.equal((await store.apply(id, { type: 'confirm' }, now + 5)).verdict, 'act');
        assert.deepEqual(await store.due(now + GRACE, 10), []);
        assert.equal((await store.apply(id, { type: 'grace-ended' }, now + GRACE)).verdict, 'already-acted');
        assert.equal((await store.apply(id, { type: 'intent', intent: intent(id, now + 10) }, now + 10)).verdict, 'already-acted');
        assert.equal((await store.apply(id, { type: 'revoke' }, now + 10)).verdict, 'already-acted');
        assert.equal((await store.apply(id, { type: 'confirm' }, now + 20)).verdict, 'act', 'a confirm always goes through (the cancel service joins it)');
      }),
    );

    test(
      'session ids are case-insensitive',
      withStore(async (store) => {
        const id = randomUUID();
        await store.apply(id.toUpperCase(), { type: 'intent', intent: intent(id.toUpperCase(), now) }, now);
        assert.equal((await store.apply(id.toLowerCase(), { type: 'revoke' }, now + 1)).verdict, 'revoked');
      }),
    );

    test(
      'due lists pending intents past their deadline, earliest first, within the limit',
      withStore(async (store) => {
        const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
        // Deadlines now+3000, now+2000, now+1000 (revoked), now+9000 (not due).
        await store.apply(ids[0]!, { type: 'intent', intent: intent(ids[0]!, now, 3000) }, now);
        await store.apply(ids[1]!, { type: 'intent', intent: intent(ids[1]!, now, 2000) }, now);
        await store.apply(ids[2]!, { type: 'intent', intent: intent(ids[2]!, now, 1000) }, now);
        await store.apply(ids[3]!, { type: 'intent', intent: intent(ids[3]!, now, 9000) }, now);
        await store.apply(ids[2]!, { type: 'revoke' }, now + 10);
        const lower = (list: string[]) => list.map((id) => id.toLowerCase());
        assert.deepEqual(lower(await store.due(now + 5000, 10)), [ids[1]!, ids[0]!]);
        assert.deepEqual(lower(await store.due(now + 5000, 1)), [ids[1]!]);
        assert.deepEqual(await store.due(now + 1500, 10), []);
      }),
    );

    test(
      'of many concurrent claims of one intent, exactly one acts',
      withStore(async (store) => {
        const id = randomUUID();
        await store.apply(id, { type: 'intent', intent: intent(id, now) }, now);
        const claims = await Promise.all(Array.from({ length: 25 }, () => store.apply(id, { type: 'grace-ended' }, now + GRACE)));
        assert.equal(claims.filter((claim) => claim.verdict === 'act').length, 1);
        assert.ok(claims.every((claim) => claim.verdict === 'act' || claim.verdict === 'already-acted'));
      }),
    );

    test(
      'a revoke racing the claim: one of them wins, never both',
      withStore(async (store) => {
        for (let round = 0; round < 10; round++) {
          const id = randomUUID();
          await store.apply(id, { type: 'intent', intent: intent(id, now) }, now);
          const [claim, revoke] = await Promise.all([
            store.apply(id, { type: 'grace-ended' }, now + GRACE),
            store.apply(id, { type: 'revoke' }, now + GRACE),
          ]);
          assert.notEqual(claim.verdict === 'act', revoke.verdict === 'revoked', `round ${round}: ${claim.verdict} / ${revoke.verdict}`);
        }
      }),
    );

    test(
      'bounded: past its size a new intent is refused, and a revoke makes room',
      withStore(async (store) => {
        const ids = [randomUUID(), randomUUID(), randomUUID()];
        await store.apply(ids[0]!, { type: 'intent', intent: intent(ids[0]!, now) }, now);
        await store.apply(ids[1]!, { type: 'intent', intent: intent(ids[1]!, now) }, now);
        assert.deepEqual(await store.apply(ids[2]!, { type: 'intent', intent: intent(ids[2]!, now) }, now), { verdict: 'full' });
        await store.apply(ids[0]!, { type: 'revoke' }, now);
        assert.equal((await store.apply(ids[2]!, { type: 'intent', intent: intent(ids[2]!, now) }, now)).verdict, 'held');
      }, 2),
    );
  });
}
