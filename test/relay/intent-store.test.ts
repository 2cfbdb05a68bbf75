/** The in-memory intent store: the shared contract, and what only memory does (expiry by the caller's clock, eviction). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ACTED_MEMORY_MS, pendingKeepUntil } from '../../src/relay/intent-machine.js';
import { createMemoryIntentStore } from '../../src/relay/intent-store.js';
import { describeIntentStoreContract, intent } from './intent-store-contract.js';

describeIntentStoreContract('memory', () => ({ make: async (maxSessions) => createMemoryIntentStore(maxSessions ? { maxSessions } : {}) }));

describe('memory intent store', () => {
  const now = Date.now();

  test('is not shared: the relay waits on its own intents and does not poll', () => {
    assert.equal(createMemoryIntentStore().shared, false);
  });

  test('forgets an acted-on session after ACTED_MEMORY_MS, and a pending intent once it can no longer be resumed', async () => {
    const store = createMemoryIntentStore();
    const actedId = randomUUID();
    await store.apply(actedId, { type: 'confirm' }, now);
    const later = now + ACTED_MEMORY_MS;
    assert.equal((await store.apply(actedId, { type: 'intent', intent: intent(actedId, later) }, later)).verdict, 'held');

    const staleId = randomUUID();
    const stale = intent(staleId, now);
    await store.apply(staleId, { type: 'intent', intent: stale }, now);
    assert.equal((await store.apply(staleId, { type: 'grace-ended' }, pendingKeepUntil(stale))).verdict, 'nothing-pending');
  });

  test('when full, forgets the oldest acted-on sessions before refusing an intent', async () => {
    const store = createMemoryIntentStore({ maxSessions: 3 });
    const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await store.apply(a, { type: 'confirm' }, now);
    await store.apply(b, { type: 'intent', intent: intent(b, now) }, now);
    await store.apply(c, { type: 'confirm' }, now);
    assert.equal((await store.apply(d, { type: 'intent', intent: intent(d, now) }, now)).verdict, 'held');
    assert.equal(store.size, 3);
    // a (acted, oldest) was forgotten: an intent for it is held again; b is still pending.
    assert.equal((await store.apply(b, { type: 'revoke' }, now)).verdict, 'revoked');
    assert.equal((await store.apply(c, { type: 'revoke' }, now)).verdict, 'already-acted');
  });

  test('refuses a nonsense bound', () => {
    assert.throws(() => createMemoryIntentStore({ maxSessions: 0 }), /maxSessions/);
  });
});
