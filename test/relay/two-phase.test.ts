/**
 * The two-phase cancel over real HTTP against the sandbox: intent then confirm, intent then
 * revoke, an intent left to its grace, duplicates, refusals, a failing store, shutdown. The
 * sandbox's cancel count is the truth: exactly one provider cancel per session, or none.
 * The grace is the shortest the relay accepts; tests that wait for it run side by side.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_INTENT_GRACE_MS } from '../../src/protocol/cancel-request.js';
import { createRelay, createSession, RelayConfigError, relayOptionsFromEnv } from '../../src/relay/index.js';
import type { IntentStore } from '../../src/relay/intent-store.js';
import { sleep } from '../../src/relay/retry.js';
import { CLIENT, eventually, randomKey, SHOP_ORIGIN, startHarness, type Harness } from './harness.js';

const GRACE_MS = MIN_INTENT_GRACE_MS;
/** Past the grace, with room for the relay's wake-up and a cancel that should not happen. */
const pastTheGrace = () => sleep(GRACE_MS + 800);

function intentLines(h: Harness, sessionId: string) {
  return h.logs.filter((line) => line.type === 'bank-pay.intent' && line.sessionId === sessionId);
}

async function cancelledOnce(h: Harness, sessionId: string): Promise<void> {
  const view = await eventually(async () => {
    const seen = await h.inspect(sessionId);
    return seen.session.status === 'Cancelled' ? seen : undefined;
  }, GRACE_MS + 4000, 'the session to be cancelled');
  assert.equal(view.session.statusDetails, 'EFT0501');
  assert.equal(view.cancelCalls, 1);
}

// The groups wait on graces side by side, so the file takes about one grace or two.
describe('two-phase cancel over HTTP', { concurrency: true }, () => {
  describe('the two-phase cancel', { concurrency: true }, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ relay: { intents: { graceMs: GRACE_MS } } });
    });
    after(() => h.close());

    test('intent, then confirm: cancelled at once, and the grace ending later cancels nothing more', async () => {
      const session = await h.newSession();
      const intent = await h.phase(session, 'intent');
      assert.equal(intent.http, 202);
      assert.deepEqual(intent.body, { outcome: 'pending', graceMs: GRACE_MS });
      assert.equal((await h.inspect(session.sessionId)).cancelCalls, 0, 'an intent alone calls nobody');
      const confirm = await h.phase(session, 'confirm');
      assert.equal(confirm.http, 200);
      assert.equal(confirm.body.outcome, 'cancelled');
      await pastTheGrace();
      const view = await h.inspect(session.sessionId);
      assert.equal(view.session.status, 'Cancelled');
      assert.equal(view.cancelCalls, 1);
      assert.deepEqual(
        h.auditLines(session.sessionId).map((line) => [line.outcome, line.phase ?? 'confirm']),
        [['cancelled', 'confirm']],
      );
    });

    test('intent, then revoke: nothing reaches the provider, ever', async () => {
      const session = await h.newSession();
      await h.phase(session, 'intent');
      const revoke = await h.phase(session, 'revoke');
      assert.equal(revoke.http, 200);
      assert.deepEqual(revoke.body, { outcome: 'revoked' });
      await pastTheGrace();
      const view = await h.inspect(session.sessionId);
      assert.equal(view.session.status, 'Initiated');
      assert.equal(view.cancelCalls, 0);
      assert.ok(!h.providerRequests.includes(`POST /api/v2/sessions/${session.sessionId}/cancel`));
      assert.deepEqual(
        intentLines(h, session.sessionId).map((line) => [line.phase, line.outcome]),
        [
          ['intent', 'pending'],
          ['revoke', 'revoked'],
        ],
      );
    });

    test('an intent neither confirmed nor revoked is acted on once its grace ends', async () => {
      const session = await h.newSession();
      await h.phase(session, 'intent');
      await cancelledOnce(h, session.sessionId);
      const [line, ...more] = h.auditLines(session.sessionId);
      assert.equal(more.length, 0);
      assert.equal(line?.outcome, 'cancelled');
      assert.equal(line?.phase, 'intent');
      assert.equal(line?.reason, 'page-unload');
      assert.equal(line?.origin, SHOP_ORIGIN);
      // Too late now: the revoke says so and cancels nothing back.
      const revoke = await h.phase(session, 'revoke');
      assert.deepEqual([revoke.http, revoke.body], [200, { outcome: 'already-acted' }]);
    });

    test('a confirm alone cancels at once, and a late intent after it is ignored', async () => {
      const session = await h.newSession();
      assert.equal((await h.cancel(session, { reason: 'page-unload' })).body.outcome, 'cancelled');
      const late = await h.phase(session, 'intent');
      assert.deepEqual([late.http, late.body], [200, { outcome: 'already-acted' }]);
      await pastTheGrace();
      assert.equal((await h.inspect(session.sessionId)).cancelCalls, 1);
    });

    test('duplicates: repeated intents keep the first deadline and cancel once; repeated revokes find nothing more', async () => {
      const session = await h.newSession();
      const answers = await Promise.all([h.phase(session, 'intent'), h.phase(session, 'intent'), h.phase(session, 'intent')]);
      assert.ok(answers.every((answer) => answer.http === 202 && answer.body.outcome === 'pending'));
      assert.equal(answers.filter((answer) => answer.body.graceMs === GRACE_MS).length >= 1, true);
      await cancelledOnce(h, session.sessionId);

      const other = await h.newSession();
      await h.phase(other, 'intent');
      assert.equal((await h.phase(other, 'revoke')).body.outcome, 'revoked');
      assert.equal((await h.phase(other, 'revoke')).body.outcome, 'nothing-pending');
      await pastTheGrace();
      assert.equal((await h.inspect(other.sessionId)).cancelCalls, 0);
    });

    test('every signal at once (intent, confirm twice, revoke): one provider cancel', async () => {
      const session = await h.newSession();
      await Promise.all([h.phase(session, 'intent'), h.phase(session, 'confirm'), h.phase(session, 'revoke'), h.phase(session, 'confirm')]);
      await pastTheGrace();
      const view = await h.inspect(session.sessionId);
      assert.equal(view.session.status, 'Cancelled');
      assert.equal(view.cancelCalls, 1);
    });

    test('a revoke after a revoked intent and a new intent applies to the new one', async () => {
      const session = await h.newSession();
      await h.phase(session, 'intent');
      await h.phase(session, 'revoke');
      assert.equal((await h.phase(session, 'intent')).body.outcome, 'pending');
      assert.equal((await h.phase(session, 'revoke')).body.outcome, 'revoked');
      await pastTheGrace();
      assert.equal((await h.inspect(session.sessionId)).cancelCalls, 0);
    });

    test('intents and revokes need the same cancel token: a forged one is refused and holds nothing', async () => {
      const session = await h.newSession();
      const forged = await h.phase(session, 'intent', { token: `${session.cancelToken.slice(0, -4)}AAAA` });
      assert.equal(forged.http, 403);
      assert.deepEqual(forged.body, { outcome: 'rejected', error: 'invalid or expired cancel token' });
      assert.equal((await h.phase(session, 'revoke')).body.outcome, 'nothing-pending');
      const [line] = h.auditLines(session.sessionId);
      assert.equal(line?.outcome, 'rejected');
      assert.equal(line?.phase, 'intent');
      assert.ok(!JSON.stringify(h.logs).includes(session.cancelToken), 'no token in any log line');
    });
  });

  /** A store that fails or never answers, as a Redis outage would. */
  function brokenStore(mode: 'throws' | 'hangs'): IntentStore {
    const fail = () =>
      mode === 'throws' ? Promise.reject(new Error('connect ECONNREFUSED redis://admin:hunter2@10.0.0.9:6379')) : new Promise<never>(() => undefined);
    return { shared: true, apply: fail, due: fail, close: async () => undefined };
  }

  describe('the two-phase cancel when the intent store fails', { concurrency: true }, () => {
    for (const mode of ['throws', 'hangs'] as const) {
      test(`a store that ${mode}: intents are answered 503 failed (never held, so never a wrong cancel), confirms still cancel`, async () => {
        const h = await startHarness({ relay: { intents: { store: brokenStore(mode), graceMs: GRACE_MS, storeTimeoutMs: 200, pollIntervalMs: 0 } } });
        try {
          const session = await h.newSession();
          const intent = await h.phase(session, 'intent');
          assert.deepEqual([intent.http, intent.body], [503, { outcome: 'failed', error: 'the intent store is unavailable' }]);
          assert.equal((await h.phase(session, 'revoke')).http, 503);
          const confirm = await h.phase(session, 'confirm');
          assert.deepEqual([confirm.http, confirm.body.outcome], [200, 'cancelled']);
          const storeLines = await eventually(() => {
            const lines = h.logs.filter((line) => line.type === 'bank-pay.intent-store');
            return lines.length >= 3 ? lines : undefined;
          });
          assert.deepEqual(storeLines.map((line) => line.operation).sort(), ['confirm', 'intent', 'revoke']);
          assert.ok(!JSON.stringify(h.logs).includes('hunter2'), 'credentials in a store error never reach the log');
          assert.equal(intentLines(h, session.sessionId).map((line) => line.outcome).join(), 'failed,failed');
        } finally {
          await h.close();
        }
      });
    }
  });

  describe('the two-phase cancel at shutdown', { concurrency: true }, () => {
    test('drain waits for a grace still running, then for its cancel', async () => {
      const h = await startHarness({ relay: { intents: { graceMs: GRACE_MS } } });
      try {
        const session = await h.newSession();
        await h.phase(session, 'intent');
        const report = await h.relay.drain(GRACE_MS + 3000);
        assert.deepEqual(report, { settled: 1, abandoned: 0 });
        const view = await h.inspect(session.sessionId);
        assert.equal(view.session.status, 'Cancelled');
        assert.equal(view.cancelCalls, 1);
      } finally {
        await h.close();
      }
    });

    test('past the bound, an intent still in its grace is left alone, never cancelled early', async () => {
      const h = await startHarness({ relay: { intents: { graceMs: GRACE_MS } } });
      try {
        const session = await h.newSession();
        await h.phase(session, 'intent');
        const report = await h.relay.drain(100);
        assert.deepEqual(report, { settled: 0, abandoned: 0, intentsLeft: 1 });
        await pastTheGrace();
        assert.equal((await h.inspect(session.sessionId)).cancelCalls, 0);
      } finally {
        await h.close();
      }
    });
  });

  describe('two-phase configuration', { concurrency: true }, () => {
    test('a grace shorter than the element\'s revoke delay allows is refused by name', () => {
      const options = { provider: { url: 'http://127.0.0.1:9', ...CLIENT }, tokenKeys: [randomKey()], allowedOrigins: [SHOP_ORIGIN] };
      assert.throws(
        () => createRelay({ ...options, intents: { graceMs: 500 } }),
        (error: unknown) => error instanceof RelayConfigError && error.problems.some((problem) => /intents\.graceMs must be at least 2000/.test(problem)),
      );
      assert.throws(() => createRelay({ ...options, intents: { pollIntervalMs: -1 } }), /intents\.pollIntervalMs/);
      assert.throws(() => createRelay({ ...options, intents: { store: {} as IntentStore } }), /intents\.store must be an intent store/);
    });

    test('on a Workers-style runtime the wait for the grace and its cancel go to ctx.waitUntil', async () => {
      const h = await startHarness();
      try {
        const options = relayOptionsFromEnv({
          BPS_PROVIDER_URL: h.sandbox.url,
          BPS_CLIENT_ID: CLIENT.clientId,
          BPS_CLIENT_SECRET: CLIENT.clientSecret,
          BPS_TOKEN_KEYS: h.tokenKeys.join(','),
          BPS_ALLOWED_ORIGINS: SHOP_ORIGIN,
        });
        const relay = createRelay({ ...options, log: () => undefined, intents: { graceMs: GRACE_MS } });
        const session = await createSession({
          provider: options.provider,
          tokenKey: options.tokenKeys[0]!,
          request: { type: 'EFT', direction: 'DEBIT', referenceId: 'order-4004', payor: { firstName: 'Sam', lastName: 'Roy' } },
        });
        const waited: Array<Promise<unknown>> = [];
        const ctx = { waitUntil: (promise: Promise<unknown>) => void waited.push(promise), passThroughOnException: () => undefined, props: {} };
        const request = new Request('https://shop.example/bank-pay/cancel', {
          method: 'POST',
          headers: { 'content-type': 'text/plain;charset=UTF-8', origin: SHOP_ORIGIN },
          body: JSON.stringify({ sessionId: session.sessionId, token: session.cancelToken, reason: 'page-unload', phase: 'intent' }),
        });
        const response = await relay.fetch(request, {}, ctx);
        assert.equal(response.status, 202);
        assert.equal(waited.length, 1, 'the wake-up was handed to waitUntil');
        await Promise.all(waited);
        // Once waitUntil's promise settles, the cancel is done: a Worker may stop right then.
        const view = await h.inspect(session.sessionId);
        assert.equal(view.session.status, 'Cancelled');
        assert.equal(view.cancelCalls, 1);
      } finally {
        await h.close();
      }
    });
  });
});
