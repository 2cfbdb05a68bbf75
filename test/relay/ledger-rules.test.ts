/**
 * The lease ledger's rules, without a store or a server: each row of the table in
 * src/relay/ledger/rules.ts, and the properties every default rests on (a page that signals
 * is never cancelled for a lapse; one act per session; the maximum age caps every deadline).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stepLedger, type LedgerEntry, type LedgerEvent, type LedgerSettings } from '../../src/relay/ledger/rules.js';

const ID = '3f2a9c4e-8b1d-4e7a-9c2f-1a2b3c4d5e6f';
const T0 = 1_800_000_000_000;
const TOKEN_EXPIRES = T0 + 15 * 60_000;
const SETTINGS: LedgerSettings = {
  leaseMs: 60_000,
  awayMs: undefined,
  intentGraceMs: 3000,
  startMs: 300_000,
  maxAgeMs: undefined,
  claimMs: 30_000,
  closedMemoryMs: 600_000,
};

function run(events: Array<[LedgerEvent, number]>, settings = SETTINGS): { entry: LedgerEntry | undefined; verdicts: string[] } {
  let entry: LedgerEntry | undefined;
  const verdicts: string[] = [];
  for (const [event, at] of events) {
    const step = stepLedger(ID, entry, event, at, settings);
    if (step.write) entry = step.entry;
    verdicts.push(step.verdict);
  }
  return { entry, verdicts };
}

const page = (type: 'alive' | 'hidden' | 'intent' | 'revoke' | 'register' | 'confirm', claimId = 'page'): LedgerEvent =>
  type === 'confirm' ? { type, tokenExpiresAt: TOKEN_EXPIRES, claimId } : { type, tokenExpiresAt: TOKEN_EXPIRES };

describe('ledger rules: what each signal does to the deadline', () => {
  test('alive: now + the lease', () => {
    const { entry } = run([[page('alive'), T0]]);
    assert.deepEqual([entry?.state, entry?.deadline, entry?.state === 'live' && entry.rule], ['live', T0 + 60_000, 'lease-lapsed']);
  });

  test('hidden: held until the token expires by default (never sooner than the session could be approved)', () => {
    const { entry } = run([[page('alive'), T0], [page('hidden'), T0 + 1000]]);
    assert.deepEqual([entry?.deadline, entry?.state === 'live' && entry.rule], [TOKEN_EXPIRES, 'away-lapsed']);
  });

  test('hidden with an away allowance set by the merchant: now + that allowance', () => {
    const { entry } = run([[page('hidden'), T0]], { ...SETTINGS, awayMs: 120_000 });
    assert.equal(entry?.deadline, T0 + 120_000);
  });

  test('intent: a short grace; revoke: back to the lease', () => {
    const intent = run([[page('alive'), T0], [page('intent'), T0 + 10]]);
    assert.deepEqual([intent.entry?.deadline, intent.entry?.state === 'live' && intent.entry.rule], [T0 + 3010, 'intent-grace']);
    const revoked = run([[page('alive'), T0], [page('intent'), T0 + 10], [page('revoke'), T0 + 1000]]);
    assert.deepEqual([revoked.entry?.deadline, revoked.entry?.state === 'live' && revoked.entry.rule], [T0 + 61_000, 'lease-lapsed']);
  });

  test('a revoke after hidden (no intent) leaves the away allowance alone', () => {
    const { entry } = run([[page('hidden'), T0], [page('revoke'), T0 + 1000]]);
    assert.equal(entry?.deadline, TOKEN_EXPIRES);
  });

  test('register (createSession): waits the start allowance for a first signal', () => {
    const { entry } = run([[page('register'), T0]]);
    assert.deepEqual([entry?.deadline, entry?.state === 'live' && entry.rule], [T0 + 300_000, 'never-alive']);
  });

  test('the maximum age caps every deadline, counted from the first sighting', () => {
    const settings = { ...SETTINGS, maxAgeMs: 90_000 };
    const { entry } = run([[page('register'), T0], [page('alive'), T0 + 50_000], [page('hidden'), T0 + 60_000]], settings);
    assert.deepEqual([entry?.deadline, entry?.state === 'live' && entry.rule], [T0 + 90_000, 'max-age']);
  });

  test('confirm: act, held as the cancelling claim of the instance sending it; a second confirm (a duplicate beacon, a deferred fetch) is told it is under way, no second act', () => {
    const { entry, verdicts } = run([[page('alive'), T0], [page('confirm', 'p1'), T0 + 5], [page('confirm', 'p2'), T0 + 6]]);
    assert.deepEqual(verdicts, ['tracked', 'act', 'cancelling']);
    assert.deepEqual(entry?.state === 'claimed' && [entry.claimId, entry.rule, entry.cancelling, entry.deadline], ['p1', 'confirm', true, T0 + 5 + 30_000]);
  });

  test('settle: the provider answered, the entry is closed; a later confirm or signal changes nothing', () => {
    const { entry, verdicts } = run([[page('confirm', 'p1'), T0], [{ type: 'settle', claimId: 'p1' }, T0 + 100], [page('confirm', 'p2'), T0 + 200], [page('alive'), T0 + 300]]);
    assert.deepEqual(verdicts, ['act', 'closed', 'closed', 'closed']);
    assert.equal(entry?.state === 'closed' && entry.closedBy, 'cancel');
    const ended = run([[page('confirm', 'p1'), T0], [{ type: 'settle', claimId: 'p1', ended: 'Completed' }, T0 + 100]]);
    assert.deepEqual(ended.entry?.state === 'closed' && [ended.entry.closedBy, ended.entry.status], ['ended', 'Completed']);
  });

  test('settle after a cancel that failed for good: forgotten, so a later confirm tries again', () => {
    const { entry, verdicts } = run([[page('confirm', 'p1'), T0], [{ type: 'settle', claimId: 'p1', failed: true }, T0 + 100], [page('confirm', 'p2'), T0 + 200]]);
    assert.deepEqual(verdicts, ['act', 'closed', 'act']);
    assert.equal(entry?.state === 'claimed' && entry.claimId, 'p2');
  });

  test('a page signal never revives a session whose cancel is under way', () => {
    for (const signal of ['alive', 'hidden', 'revoke', 'intent', 'register'] as const) {
      const { entry, verdicts } = run([[page('confirm', 'p1'), T0], [page(signal), T0 + 100]]);
      assert.deepEqual(verdicts, ['act', 'closed'], signal);
      assert.equal(entry?.state === 'claimed' && entry.cancelling, true, signal);
    }
  });

  test('ended: closed with the status, and no later signal reopens it', () => {
    const { entry, verdicts } = run([[page('alive'), T0], [{ type: 'ended', status: 'Completed' }, T0 + 5], [page('alive'), T0 + 6], [page('confirm'), T0 + 7]]);
    assert.deepEqual(verdicts, ['tracked', 'ended', 'closed', 'closed']);
    assert.equal(entry?.state === 'closed' && entry.status, 'Completed');
  });
});

describe('ledger rules: the sweeper', () => {
  const claim = (claimId: string): LedgerEvent => ({ type: 'claim', claimId });

  test('a claim before the deadline is not due; after it, one claim wins and a second is refused', () => {
    const { verdicts } = run([[page('alive'), T0], [claim('a'), T0 + 59_999], [claim('a'), T0 + 60_000], [claim('b'), T0 + 60_001]]);
    assert.deepEqual(verdicts, ['tracked', 'not-due', 'claimed', 'lost-claim']);
  });

  test('a lapsed claim (the instance holding it died) is taken over', () => {
    const { verdicts } = run([[page('alive'), T0], [claim('a'), T0 + 60_000], [claim('b'), T0 + 90_000]]);
    assert.deepEqual(verdicts, ['tracked', 'claimed', 'claimed']);
  });

  test('a page that signals while the status is read wins: the act is refused', () => {
    for (const signal of ['alive', 'hidden', 'revoke'] as const) {
      const { verdicts, entry } = run([[page('alive'), T0], [claim('a'), T0 + 60_000], [page(signal), T0 + 60_100], [{ type: 'act', claimId: 'a' }, T0 + 60_200]]);
      assert.deepEqual(verdicts, ['tracked', 'claimed', 'tracked', 'lost-claim'], signal);
      assert.equal(entry?.state, 'live');
    }
  });

  test('a max-age claim is not overturned by a heartbeat: the merchant asked for it', () => {
    const settings = { ...SETTINGS, maxAgeMs: 30_000 };
    const { verdicts } = run([[page('alive'), T0], [claim('a'), T0 + 30_000], [page('alive'), T0 + 30_100], [{ type: 'act', claimId: 'a' }, T0 + 30_200]], settings);
    assert.deepEqual(verdicts, ['tracked', 'claimed', 'closed', 'act']);
  });

  test('release (the provider could not be asked): the session is kept and looked at again later', () => {
    const { entry } = run([[page('alive'), T0], [claim('a'), T0 + 60_000], [{ type: 'release', claimId: 'a', retryInMs: 60_000 }, T0 + 61_000]]);
    assert.deepEqual([entry?.state, entry?.deadline], ['live', T0 + 121_000]);
  });

  test('past the token expiry nothing is cancelled: the provider expires the session itself', () => {
    const { verdicts, entry } = run([[page('hidden'), T0], [claim('a'), TOKEN_EXPIRES]]);
    assert.deepEqual(verdicts, ['tracked', 'expired']);
    assert.equal(entry, undefined);
  });

  test('a cancel whose instance died: its claim lapses, another sweeper claims it and finishes the cancel (no status read, no act)', () => {
    const { entry, verdicts } = run([[page('confirm', 'p1'), T0], [claim('b'), T0 + 29_999], [claim('b'), T0 + 30_000], [{ type: 'act', claimId: 'b' }, T0 + 30_001], [{ type: 'settle', claimId: 'p1' }, T0 + 30_002], [{ type: 'settle', claimId: 'b' }, T0 + 30_100]]);
    assert.deepEqual(verdicts, ['act', 'lost-claim', 'claimed', 'lost-claim', 'lost-claim', 'closed']);
    assert.equal(entry?.state === 'closed' && entry.closedBy, 'cancel');
  });

  test('a shutdown hands a cancel under way back at once: release keeps it a claim, lapsing now', () => {
    const { entry, verdicts } = run([[page('confirm', 'p1'), T0], [{ type: 'release', claimId: 'p1', retryInMs: 0 }, T0 + 10], [claim('b'), T0 + 10]]);
    assert.deepEqual(verdicts, ['act', 'claimed', 'claimed']);
    assert.deepEqual(entry?.state === 'claimed' && [entry.claimId, entry.cancelling, entry.rule], ['b', true, 'confirm']);
  });

  test('a lapse acted on is a cancelling claim too, settled after the cancel', () => {
    const { entry, verdicts } = run([[page('alive'), T0], [claim('a'), T0 + 60_000], [{ type: 'act', claimId: 'a' }, T0 + 60_100], [page('alive'), T0 + 60_200], [{ type: 'settle', claimId: 'a' }, T0 + 60_300]]);
    assert.deepEqual(verdicts, ['tracked', 'claimed', 'act', 'closed', 'closed']);
    assert.equal(entry?.state, 'closed');
  });

  test('a confirm wins over a claim', () => {
    const { verdicts } = run([[page('alive'), T0], [claim('a'), T0 + 60_000], [page('confirm'), T0 + 60_001], [{ type: 'act', claimId: 'a' }, T0 + 60_002]]);
    assert.deepEqual(verdicts, ['tracked', 'claimed', 'act', 'lost-claim']);
  });
});

describe('ledger rules: properties over any sequence of events', () => {
  const eventArb = fc.oneof(
    fc.constantFrom<LedgerEvent>(page('alive'), page('hidden'), page('intent'), page('revoke'), page('register'), { type: 'ended', status: 'Completed' }, { type: 'status-read' }),
    fc.constantFrom('a', 'b', 'p').chain((claimId) =>
      fc.constantFrom<LedgerEvent>(
        { type: 'claim', claimId },
        { type: 'act', claimId },
        { type: 'renew', claimId },
        { type: 'release', claimId, retryInMs: 60_000 },
        page('confirm', claimId),
        { type: 'settle', claimId },
      ),
    ),
  );
  const sequence = fc.array(fc.tuple(eventArb, fc.integer({ min: 0, max: 90_000 })), { maxLength: 40 });

  test('never a second act while a cancel is under way (one provider call per session, unless its instance died)', () => {
    fc.assert(
      fc.property(sequence, (steps) => {
        let at = T0;
        let entry: LedgerEntry | undefined;
        for (const [event, gap] of steps) {
          at += gap;
          const underWay = entry?.state === 'claimed' && entry.cancelling === true && entry.deadline > at;
          const step = stepLedger(ID, entry, event, at, SETTINGS);
          if (step.verdict === 'act' && underWay) return false;
          if (step.write) entry = step.entry;
        }
        return true;
      }),
    );
  });

  test('at most one act per session while its claims are kept alive (renewed before they lapse)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(eventArb, fc.integer({ min: 0, max: 9_000 })), { maxLength: 40 }), (steps) => {
        let at = T0;
        let entry: LedgerEntry | undefined;
        let acts = 0;
        for (const [event, gap] of steps) {
          at += gap;
          // The holder renews its cancelling claim every sweep, as ClaimKeeper does.
          if (entry?.state === 'claimed' && entry.cancelling) entry = stepLedger(ID, entry, { type: 'renew', claimId: entry.claimId }, at, SETTINGS).entry;
          const step = stepLedger(ID, entry, event, at, SETTINGS);
          if (step.verdict === 'act') acts += 1;
          if (step.write) entry = step.entry;
          // A failed cancel is forgotten on purpose, so the next confirm may try again.
          if (event.type === 'settle' && step.write && step.entry === undefined) acts = 0;
        }
        return acts <= 1;
      }),
    );
  });

  test('a lease act never follows a visible-page signal made after its claim (the shopper who is there is kept)', () => {
    fc.assert(
      fc.property(sequence, (steps) => {
        let at = T0;
        let entry: LedgerEntry | undefined;
        const claimedAt = new Map<string, number>();
        let lastPageSignal = -Infinity;
        for (const [event, gap] of steps) {
          at += gap;
          const step = stepLedger(ID, entry, event, at, SETTINGS);
          if (step.write) entry = step.entry;
          if (event.type === 'claim' && step.verdict === 'claimed') claimedAt.set(event.claimId, at);
          if ((event.type === 'alive' || event.type === 'hidden' || event.type === 'revoke') && step.verdict === 'tracked') lastPageSignal = at;
          if (event.type === 'act' && step.verdict === 'act' && lastPageSignal >= (claimedAt.get(event.claimId) ?? Infinity)) return false;
        }
        return true;
      }),
    );
  });
});
