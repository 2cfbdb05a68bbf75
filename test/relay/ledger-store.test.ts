/** The memory ledger store: the shared contract, and its bound on how many sessions it holds. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryLedgerStore } from '../../src/relay/ledger/store.js';
import { describeLedgerStoreContract } from './ledger-store-contract.js';

describeLedgerStoreContract('memory', () => ({ make: async () => createMemoryLedgerStore() }));

test('memory store: past its bound the oldest write is forgotten first, never the newest', async () => {
  const store = createMemoryLedgerStore({ maxSessions: 3 });
  const far = Date.now() + 60_000;
  for (const id of ['a', 'b', 'c', 'd']) await store.swap(id, undefined, { text: id, dueAt: undefined, keepUntil: far });
  assert.equal(await store.size(), 3);
  assert.equal(await store.get('a'), undefined);
  assert.deepEqual(await store.get('d'), { text: 'd' });
  assert.throws(() => createMemoryLedgerStore({ maxSessions: 0 }), /positive integer/);
});
