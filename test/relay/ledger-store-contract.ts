/**
 * What every ledger store must do, run against each store (memory here, Redis in
 * redis.test.ts): compare-and-set on the stored text, the due index, forgetting.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { LedgerStore } from '../../src/relay/ledger/store.js';

export interface StoreMaker {
  /** A fresh, empty store; undefined when it cannot run here (the test then skips with `skip`). */
  make(): Promise<LedgerStore>;
}

export function describeLedgerStoreContract(name: string, maker: () => StoreMaker | undefined, skip = ''): void {
  describe(`ledger store contract: ${name}`, () => {
    const withStore = (title: string, body: (store: LedgerStore) => Promise<void>) =>
      test(title, async (t) => {
        const made = maker();
        if (!made) return t.skip(skip);
        const store = await made.make();
        try {
          await body(store);
        } finally {
          await store.close();
        }
      });
    const far = () => Date.now() + 60_000;

    withStore('an absent entry reads as none, and only a write expecting none creates it', async (store) => {
      const id = randomUUID();
      assert.equal(await store.get(id), undefined);
      assert.equal(await store.swap(id, undefined, { text: 'A', dueAt: 1, keepUntil: far() }), true);
      assert.equal(await store.swap(id, undefined, { text: 'B', dueAt: 1, keepUntil: far() }), false, 'someone wrote first');
      assert.deepEqual(await store.get(id), { text: 'A' });
    });

    withStore('a write expecting a stale text loses; expecting the current one wins', async (store) => {
      const id = randomUUID();
      await store.swap(id, undefined, { text: 'A', dueAt: 1, keepUntil: far() });
      assert.equal(await store.swap(id, { text: 'A' }, { text: 'B', dueAt: 1, keepUntil: far() }), true);
      assert.equal(await store.swap(id, { text: 'A' }, { text: 'C', dueAt: 1, keepUntil: far() }), false);
      assert.deepEqual(await store.get(id), { text: 'B' });
    });

    withStore('due lists entries whose time passed, earliest first, at most the limit; closed and deleted ones never', async (store) => {
      const now = Date.now();
      const [early, late, future, closed, gone] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      await store.swap(late, undefined, { text: 'late', dueAt: now - 10, keepUntil: far() });
      await store.swap(early, undefined, { text: 'early', dueAt: now - 20, keepUntil: far() });
      await store.swap(future, undefined, { text: 'future', dueAt: now + 60_000, keepUntil: far() });
      await store.swap(closed, undefined, { text: 'closed', dueAt: undefined, keepUntil: far() });
      await store.swap(gone, undefined, { text: 'gone', dueAt: now - 30, keepUntil: far() });
      await store.swap(gone, { text: 'gone' }, { text: undefined, dueAt: undefined, keepUntil: now });
      assert.deepEqual(await store.due(now, 10), [early, late]);
      assert.deepEqual(await store.due(now, 1), [early]);
      // A closed entry moved back to due, and a due one closed: the index follows each write.
      await store.swap(early, { text: 'early' }, { text: 'early-closed', dueAt: undefined, keepUntil: far() });
      assert.deepEqual(await store.due(now, 10), [late]);
    });

    withStore('an entry is forgotten once its keep-until passes', async (store) => {
      const id = randomUUID();
      await store.swap(id, undefined, { text: 'A', dueAt: undefined, keepUntil: Date.now() + 150 });
      assert.deepEqual(await store.get(id), { text: 'A' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(await store.get(id), undefined);
      assert.equal(await store.swap(id, undefined, { text: 'B', dueAt: undefined, keepUntil: far() }), true, 'a forgotten entry reads as none');
    });
  });
}
