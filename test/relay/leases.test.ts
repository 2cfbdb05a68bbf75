/**
 * The lease ledger over real HTTP against the sandbox, with a short lease (1 s, heartbeats
 * every 250 ms): every rule of the table, the sweeper's status read, a provider outage, a
 * store that fails, and duplicates. The sandbox's cancel count is the truth.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LedgerStore } from '../../src/relay/ledger/store.js';
import { sleep } from '../../src/relay/retry.js';
import { eventually, startHarness, type Harness } from './harness.js';
import type { CreatedSession } from '../../src/relay/index.js';

const LEASE_MS = 1000;
const LEASES = { leaseMs: LEASE_MS, intentGraceMs: 2000, sweepIntervalMs: 100, startMs: 1500 };
/** What a lapse may take on top of its deadline here: a sweep tick, a status read, the cancel. */
const BOUND_MS = 2500;

async function cancelledOnce(h: Harness, sessionId: string, withinMs: number): Promise<void> {
  const view = await eventually(async () => {
    const seen = await h.inspect(sessionId);
    return seen.session.status === 'Cancelled' ? seen : undefined;
  }, withinMs, 'the session to be cancelled');
  assert.equal(view.cancelCalls, 1);
}

async function stillInitiated(h: Harness, sessionId: string): Promise<void> {
  const view = await h.inspect(sessionId);
  assert.equal(view.session.status, 'Initiated');
  assert.equal(view.cancelCalls, 0);
}

/** Heartbeats every quarter lease for `ms`, as a visible page does. */
async function beatFor(h: Harness, session: CreatedSession, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const { http, body } = await h.signal(session, 'alive');
    assert.equal(http, 200);
    assert.equal(body.heartbeatMs, LEASE_MS / 4);
    await sleep(LEASE_MS / 4);
  }
}

const leaseLines = (h: Harness, sessionId: string) => h.logs.filter((line) => line.type === 'bank-pay.lease' && line.sessionId === sessionId);

describe('leases over HTTP', { concurrency: true }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ relay: { leases: LEASES }, deliverWebhooks: true });
  });
  after(() => h.close());

  test('a page that goes silent (a crash) is cancelled once its lease lapses, and the audit line names the rule', async () => {
    const session = await h.newSession();
    const { http, body } = await h.signal(session, 'alive');
    assert.deepEqual([http, body.status], [200, 'Initiated']);
    await cancelledOnce(h, session.sessionId, LEASE_MS + BOUND_MS);
    const [line] = await eventually(() => (h.auditLines(session.sessionId).length ? h.auditLines(session.sessionId) : undefined));
    assert.deepEqual([line!.reason, line!.rule, line!.outcome], ['lease', 'lease-lapsed', 'cancelled']);
  });

  test('a visible page that keeps beating is never cancelled (three leases)', async () => {
    const session = await h.newSession();
    await beatFor(h, session, 3 * LEASE_MS);
    await stillInitiated(h, session.sessionId);
    await h.cancel(session); // the page leaves: cleaned up
  });

  test('a hidden page (the shopper in their bank app) is held for three leases and more: never cancelled', async () => {
    const session = await h.newSession();
    await h.signal(session, 'alive');
    assert.equal((await h.signal(session, 'hidden')).http, 200);
    await sleep(3 * LEASE_MS + BOUND_MS);
    await stillInitiated(h, session.sessionId);
    await h.cancel(session);
  });

  test('intent: cancelled after the grace; intent then revoke: kept', async () => {
    const left = await h.newSession();
    const stayed = await h.newSession();
    // No heartbeat first: here the grace (2 s) is longer than the short test lease, and an
    // intent only ever brings a deadline closer.
    for (const session of [left, stayed]) await h.signal(session, 'intent');
    await h.signal(stayed, 'revoke');
    // The revoked one is back on its lease: held by its heartbeats from then on.
    const beating = beatFor(h, stayed, 2000 + BOUND_MS);
    await cancelledOnce(h, left.sessionId, 2000 + BOUND_MS);
    const [line] = await eventually(() => (h.auditLines(left.sessionId).length ? h.auditLines(left.sessionId) : undefined));
    assert.equal(line!.rule, 'intent-grace');
    await beating;
    await stillInitiated(h, stayed.sessionId);
    await h.cancel(stayed);
  });

  test('a session registered at creation whose page never comes alive is cleaned up (never-alive)', async () => {
    const session = await h.newSession(undefined, undefined, undefined, true);
    await cancelledOnce(h, session.sessionId, 1500 + BOUND_MS);
    const [line] = await eventually(() => (h.auditLines(session.sessionId).length ? h.auditLines(session.sessionId) : undefined));
    assert.equal(line!.rule, 'never-alive');
  });

  test('the page cancel and a duplicate (a deferred fetch, a second beacon): one provider call', async () => {
    const session = await h.newSession();
    await h.signal(session, 'alive');
    const [first, second] = await Promise.all([h.cancel(session, { reason: 'page-unload' }), h.cancel(session, { reason: 'page-gone' })]);
    assert.deepEqual([first.body.outcome, second.body.outcome].sort(), ['cancelled', 'cancelled']);
    await sleep(LEASE_MS + BOUND_MS / 2);
    assert.equal((await h.inspect(session.sessionId)).cancelCalls, 1, 'and the lease lapsing later adds none');
  });

  test('the provider ended the session (webhook): the heartbeat says so at once, and nothing is cancelled', async () => {
    const session = await h.newSession();
    await h.signal(session, 'alive');
    await h.force(session.sessionId, 'Failed', 'EFT0401');
    const { body } = await eventually(async () => {
      const answer = await h.signal(session, 'alive');
      return answer.body.status === 'Failed' ? answer : undefined;
    }, 3000, 'the heartbeat to carry Failed');
    assert.equal(body.status, 'Failed');
    await sleep(LEASE_MS + BOUND_MS / 2);
    assert.equal((await h.inspect(session.sessionId)).cancelCalls, 0);
  });

  test('an expiry (no webhook for it) reaches the heartbeat through a bounded status read', async () => {
    const session = await h.newSession();
    await h.signal(session, 'alive');
    await h.force(session.sessionId, 'Expired');
    const answer = await eventually(async () => {
      const beat = await h.signal(session, 'alive');
      return beat.body.status === 'Expired' ? beat : undefined;
    }, 3000, 'the heartbeat to carry Expired');
    assert.equal(answer.http, 200);
  });

  test('a lapse on a session completed meanwhile: the sweeper reads the status first and cancels nothing', async () => {
    const plain = await startHarness({ relay: { leases: LEASES } }); // no webhooks: only the status read can tell
    try {
      const session = await plain.newSession();
      await plain.signal(session, 'alive');
      await plain.force(session.sessionId, 'Completed', 'EFT0301');
      await eventually(() => (leaseLines(plain, session.sessionId).some((line) => line.event === 'ended') ? true : undefined), LEASE_MS + BOUND_MS, 'the sweeper to close it');
      assert.equal((await plain.inspect(session.sessionId)).cancelCalls, 0);
    } finally {
      await plain.close();
    }
  });

  test('the provider down when a lease lapses: the session is kept, and cancelled once the provider is back', async () => {
    const outage = await startHarness({ relay: { leases: LEASES, answerWithinMs: 300 } });
    try {
      const session = await outage.newSession();
      await outage.signal(session, 'alive');
      await outage.faults({ failNext: 10_000, errorStatus: 503 });
      await eventually(() => (leaseLines(outage, session.sessionId).some((line) => line.event === 'kept') ? true : undefined), LEASE_MS + BOUND_MS, 'a kept line');
      await outage.clearFaults();
      await cancelledOnce(outage, session.sessionId, 2 * LEASE_MS + BOUND_MS);
    } finally {
      await outage.clearFaults();
      await outage.close();
    }
  });

  test('the maximum session age cancels even a beating page (batch cleanup)', async () => {
    const aged = await startHarness({ relay: { leases: { ...LEASES, maxSessionAgeMs: 1500 } } });
    try {
      const session = await aged.newSession();
      const beating = beatFor(aged, session, 1500 + BOUND_MS).catch(() => undefined);
      await cancelledOnce(aged, session.sessionId, 1500 + BOUND_MS);
      await beating;
      const [line] = await eventually(() => (aged.auditLines(session.sessionId).length ? aged.auditLines(session.sessionId) : undefined));
      assert.equal(line!.rule, 'max-age');
    } finally {
      await aged.close();
    }
  });

  test('a ledger store that fails: signals answer 503 and keep the session; the page cancel still goes through', async () => {
    const broken: LedgerStore = {
      shared: true,
      get: async () => {
        throw new Error('connection refused (redis://user:hunter2@db)');
      },
      swap: async () => false,
      due: async () => {
        throw new Error('connection refused');
      },
      size: async () => 0,
      close: async () => undefined,
    };
    const failing = await startHarness({ relay: { leases: { ...LEASES, store: broken } } });
    try {
      const session = await failing.newSession();
      const signal = await failing.signal(session, 'alive');
      assert.equal(signal.http, 503);
      assert.match(signal.body.error ?? '', /kept/);
      await sleep(LEASE_MS + BOUND_MS / 2);
      await stillInitiated(failing, session.sessionId);
      const cancel = await failing.cancel(session);
      assert.equal(cancel.body.outcome, 'cancelled');
      assert.ok(!JSON.stringify(failing.logs).includes('hunter2'), 'no store credentials in the log');
    } finally {
      await failing.close();
    }
  });

  test('signals are verified like cancels: a forged token is refused, no entry is made', async () => {
    const session = await h.newSession();
    const forged = await h.signal(session, 'alive', { token: `${session.cancelToken.slice(0, -2)}xx` });
    assert.equal(forged.http, 403);
    await sleep(LEASE_MS + BOUND_MS / 2);
    await stillInitiated(h, session.sessionId);
  });
});
