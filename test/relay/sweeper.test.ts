/**
 * The sweeper's "listening" rule on a moving clock, with the real ledger and memory store:
 * its own timer's gaps (a restart, a suspended process) hold silence off for a lease, while a
 * sweep scheduled from outside (a cron on a serverless platform, once a minute) acts on a lapse.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ClaimKeeper } from '../../src/relay/ledger/claims.js';
import { Ledger } from '../../src/relay/ledger/ledger.js';
import { createMemoryLedgerStore } from '../../src/relay/ledger/store.js';
import { Sweeper } from '../../src/relay/ledger/sweeper.js';
import { resolveRelayOptions } from '../../src/relay/options.js';

const CRON_MS = 60_000;

function sweeperOnAClock() {
  const resolved = resolveRelayOptions({
    provider: { url: 'http://127.0.0.1:9', clientId: 'test', clientSecret: 'test' },
    tokenKeys: [randomBytes(32).toString('base64url')],
    allowedOrigins: ['https://shop.example'],
  });
  const leases = resolved.leases;
  if (!leases) throw new Error('the relay resolved without leases');
  const clock = { now: Date.now() };
  const now = () => clock.now;
  const ledger = new Ledger(createMemoryLedgerStore({ now }), leases.settings, 1000, now);
  const cancelled: string[] = [];
  const kept: string[] = [];
  const sweeper = new Sweeper({
    ledger,
    claims: new ClaimKeeper(ledger),
    intervalMs: leases.sweepIntervalMs,
    readStatus: async () => ({ kind: 'live' }),
    cancel: async (entry) => {
      cancelled.push(entry.sessionId);
      await ledger.apply(entry.sessionId, { type: 'settle', claimId: entry.claimId });
    },
    report: (line) => {
      if (line.event === 'kept' && line.sessionId) kept.push(line.sessionId);
    },
  });
  const settled = async () => {
    while (sweeper.working > 0) await new Promise((resolve) => setImmediate(resolve));
  };
  return { leases, clock, ledger, sweeper, cancelled, kept, settled };
}

describe('the sweeper: when silence counts', () => {
  test('a sweep scheduled once a minute (Workers cron) cancels a session whose page went silent', async () => {
    const { leases, clock, ledger, sweeper, cancelled, settled } = sweeperOnAClock();
    const sessionId = crypto.randomUUID();
    await ledger.apply(sessionId, { type: 'alive', tokenExpiresAt: clock.now + 30 * 60_000 });
    // The page crashed; each cron run lands in an instance that did not serve the signals.
    for (let run = 0; run < 3 && cancelled.length === 0; run++) {
      clock.now += CRON_MS;
      await sweeper.tick(true);
      await settled();
    }
    assert.ok(CRON_MS >= leases.settings.leaseMs, 'the first cron run comes after the lease');
    assert.deepEqual(cancelled, [sessionId]);
  });

  test('a scheduled sweep still holds off for a lease after a store failure here (signals may have been lost)', async () => {
    const { clock, ledger, sweeper, cancelled, kept, settled } = sweeperOnAClock();
    const sessionId = crypto.randomUUID();
    await ledger.apply(sessionId, { type: 'alive', tokenExpiresAt: clock.now + 30 * 60_000 });
    clock.now += CRON_MS;
    // The store fails here for one signal: it may have lost others on the way.
    const swap = ledger.store.swap.bind(ledger.store);
    ledger.store.swap = () => Promise.reject(new Error('store down'));
    await assert.rejects(ledger.apply(sessionId, { type: 'alive', tokenExpiresAt: clock.now + 30 * 60_000 }));
    ledger.store.swap = swap;
    assert.equal(ledger.failedAt, clock.now);
    clock.now += 1000;
    await sweeper.tick(true);
    await settled();
    assert.deepEqual([cancelled, kept], [[], [sessionId]]);
  });

  test('the sweeper\'s own timer after a gap (a restart, a suspended process): kept for a lease, then cancelled', async () => {
    const { leases, clock, ledger, sweeper, cancelled, kept, settled } = sweeperOnAClock();
    const sessionId = crypto.randomUUID();
    await ledger.apply(sessionId, { type: 'alive', tokenExpiresAt: clock.now + 30 * 60_000 });
    clock.now += CRON_MS;
    await sweeper.tick();
    await settled();
    assert.deepEqual([cancelled, kept], [[], [sessionId]], 'the first tick after a gap hears nothing yet');
    // Ticking on as its timer does, for a lease and a bit: now the silence counts.
    for (let elapsed = 0; elapsed <= 2 * leases.settings.leaseMs && cancelled.length === 0; elapsed += leases.sweepIntervalMs) {
      clock.now += leases.sweepIntervalMs;
      await sweeper.tick();
      await settled();
    }
    assert.deepEqual(cancelled, [sessionId]);
  });

  test('a `hidden` signal the store refused is written again at the next sweep: the shopper away in their bank app is kept', async () => {
    const { leases, clock, ledger, sweeper, cancelled, settled } = sweeperOnAClock();
    const sessionId = crypto.randomUUID();
    const tokenExpiresAt = clock.now + 30 * 60_000;
    await ledger.apply(sessionId, { type: 'alive', tokenExpiresAt });
    clock.now += 1000;
    // The tab hides during a store blip: the page sends nothing more after its hidden beacon.
    const swap = ledger.store.swap.bind(ledger.store);
    ledger.store.swap = () => Promise.reject(new Error('store down'));
    await assert.rejects(ledger.apply(sessionId, { type: 'hidden', tokenExpiresAt }));
    ledger.store.swap = swap;
    assert.equal(ledger.unwritten, 1);
    // The relay sweeps on, as its timer does, for three leases: the lapse never comes.
    for (let elapsed = 0; elapsed <= 3 * leases.settings.leaseMs; elapsed += leases.sweepIntervalMs) {
      clock.now += leases.sweepIntervalMs;
      await sweeper.tick();
      await settled();
    }
    assert.deepEqual(cancelled, []);
    assert.equal(ledger.unwritten, 0);
  });
});
