/** The two-phase cancel's rules for one session, without a store, a clock or HTTP. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ACTED_MEMORY_MS,
  pendingKeepUntil,
  RESUME_WINDOW_MS,
  stepIntent,
  type IntentRecord,
  type IntentSignal,
  type PendingIntent,
} from '../../src/relay/intent-machine.js';

const NOW = 1_800_000_000_000;
const GRACE = 3000;

function intentAt(receivedAt: number, overrides: Partial<PendingIntent> = {}): PendingIntent {
  return {
    sessionId: '3F2504E0-4F89-41D3-9A0C-0305E82C3301',
    reason: 'page-unload',
    receivedAt,
    deadline: receivedAt + GRACE,
    tokenExpiresAt: receivedAt + 15 * 60_000,
    origin: 'https://shop.example',
    ...overrides,
  };
}

const pending = (intent: PendingIntent): IntentRecord => ({ state: 'pending', intent });
const acted: IntentRecord = { state: 'acted', at: NOW - 10 };

describe('intent state machine', () => {
  test('an intent on a fresh session is held until its deadline, then while it can be resumed', () => {
    const intent = intentAt(NOW);
    const step = stepIntent(undefined, { type: 'intent', intent }, NOW);
    assert.equal(step.verdict, 'held');
    assert.deepEqual(step.write, { record: pending(intent), keepUntil: pendingKeepUntil(intent) });
    assert.equal(step.intent, intent);
    assert.ok(step.write!.keepUntil > intent.deadline);
  });

  test('a second intent leaves the first one and its deadline alone: a grace is never extended', () => {
    const first = intentAt(NOW);
    const step = stepIntent(pending(first), { type: 'intent', intent: intentAt(NOW + 2000) }, NOW + 2000);
    assert.equal(step.verdict, 'already-pending');
    assert.equal(step.write, undefined);
    assert.equal(step.intent?.deadline, first.deadline);
  });

  test('an intent after the session was acted on changes nothing (a late or reordered beacon)', () => {
    const step = stepIntent(acted, { type: 'intent', intent: intentAt(NOW) }, NOW);
    assert.equal(step.verdict, 'already-acted');
    assert.equal(step.write, undefined);
  });

  test('a revoke drops a pending intent, even one past its deadline that nobody claimed yet', () => {
    const intent = intentAt(NOW);
    for (const at of [NOW + 1000, intent.deadline + 500]) {
      const step = stepIntent(pending(intent), { type: 'revoke' }, at);
      assert.equal(step.verdict, 'revoked');
      assert.deepEqual(step.write, { record: undefined, keepUntil: at });
    }
  });

  test('a revoke never undoes a cancel that went ahead, and finds nothing on a fresh session', () => {
    assert.deepEqual(stepIntent(acted, { type: 'revoke' }, NOW), { verdict: 'already-acted' });
    assert.deepEqual(stepIntent(undefined, { type: 'revoke' }, NOW), { verdict: 'nothing-pending' });
  });

  test('a confirm always acts, whatever was there, and is remembered for a while', () => {
    for (const record of [undefined, pending(intentAt(NOW)), acted]) {
      const step = stepIntent(record, { type: 'confirm' }, NOW);
      assert.equal(step.verdict, 'act');
      assert.deepEqual(step.write, { record: { state: 'acted', at: NOW }, keepUntil: NOW + ACTED_MEMORY_MS });
    }
  });

  test('the end of the grace acts on the pending intent once, and only from its deadline on', () => {
    const intent = intentAt(NOW);
    assert.equal(stepIntent(pending(intent), { type: 'grace-ended' }, intent.deadline - 1).verdict, 'not-due');
    const claim = stepIntent(pending(intent), { type: 'grace-ended' }, intent.deadline);
    assert.equal(claim.verdict, 'act');
    assert.equal(claim.intent, intent);
    assert.deepEqual(claim.write?.record, { state: 'acted', at: intent.deadline });
    assert.equal(stepIntent(claim.write!.record, { type: 'grace-ended' }, intent.deadline + 1).verdict, 'already-acted');
    assert.equal(stepIntent(undefined, { type: 'grace-ended' }, NOW).verdict, 'nothing-pending');
  });

  test('a pending intent is kept past its deadline for a restarted relay, never past its token', () => {
    const soon = intentAt(NOW, { tokenExpiresAt: NOW + GRACE + 10 });
    assert.equal(pendingKeepUntil(soon), soon.deadline + 60_000, 'at least a minute past the deadline, for a late poll');
    const later = intentAt(NOW, { tokenExpiresAt: NOW + 10 * 60_000 });
    assert.equal(pendingKeepUntil(later), later.tokenExpiresAt);
    const far = intentAt(NOW, { tokenExpiresAt: NOW + 24 * 3600_000 });
    assert.equal(pendingKeepUntil(far), far.deadline + RESUME_WINDOW_MS);
  });

  test('whatever mix of signals arrives, at most one cancel comes of the intents, none after a confirm or revoke', () => {
    const signal = fc.constantFrom<IntentSignal['type']>('intent', 'revoke', 'confirm', 'grace-ended');
    const steps = fc.array(fc.record({ type: signal, advanceMs: fc.integer({ min: 0, max: 2000 }) }), { maxLength: 30 });
    fc.assert(
      fc.property(steps, (sequence) => {
        let record: IntentRecord | undefined;
        let now = NOW;
        let actedOn = false; // a confirm or a claim went ahead
        let pendingSince: number | undefined; // receivedAt of the intent in force
        for (const { type, advanceMs } of sequence) {
          now += advanceMs;
          const signal: IntentSignal = type === 'intent' ? { type, intent: intentAt(now) } : { type };
          const step = stepIntent(record, signal, now);
          if (step.verdict === 'act' && type === 'grace-ended') {
            assert.ok(!actedOn, 'a claim never follows a confirm or another claim');
            assert.ok(pendingSince !== undefined && pendingSince + GRACE <= now, 'only an unrevoked intent past its grace is claimed');
          }
          if (step.verdict === 'revoked') assert.ok(!actedOn, 'nothing is revoked once acted on');
          if (step.verdict === 'act') actedOn = true;
          if (step.verdict === 'held') pendingSince = now;
          if (step.verdict === 'revoked' || step.verdict === 'act') pendingSince = undefined;
          if (step.write) record = step.write.record;
        }
      }),
      { numRuns: 500 },
    );
  });
});
