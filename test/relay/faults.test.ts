/**
 * The relay against the sandbox's fault injection: every legitimate cancel still reaches the
 * provider, and the sandbox's history shows exactly which calls were made and how each was
 * answered.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mintCancelToken } from '../../src/relay/index.js';
import { eventually, historyOf, SHOP_ORIGIN, startHarness, type Harness } from './harness.js';

/** A status call through the relay, so its access token is cached before faults begin. */
async function warmAccessToken(h: Harness): Promise<void> {
  const session = await h.newSession();
  const response = await fetch(`${h.relayUrl}/bank-pay/sessions/${session.sessionId}/status?token=${encodeURIComponent(session.cancelToken)}`, {
    headers: { origin: SHOP_ORIGIN },
  });
  assert.equal(response.status, 200);
}

async function withHarness(options: Parameters<typeof startHarness>[0], run: (h: Harness) => Promise<void>): Promise<void> {
  const h = await startHarness(options);
  try {
    await run(h);
  } finally {
    await h.close();
  }
}

const countOf = (requests: readonly string[], request: string) => requests.filter((r) => r === request).length;

describe('transient provider failures', () => {
  test('a burst of 5xx answers is retried until the cancel lands, once', () =>
    withHarness({}, async (h) => {
      await warmAccessToken(h);
      const session = await h.newSession();
      await h.faults({ failNext: 3, errorStatus: 503 });
      const { http, body } = await h.cancel(session);
      assert.equal(http, 200);
      assert.equal(body.outcome, 'cancelled');
      const view = await h.inspect(session.sessionId);
      assert.deepEqual(historyOf(view, 'cancel'), [
        { httpStatus: 503, outcome: 'injected-fault' },
        { httpStatus: 503, outcome: 'injected-fault' },
        { httpStatus: 503, outcome: 'injected-fault' },
        { httpStatus: 200, outcome: 'cancelled' },
      ]);
      assert.equal(h.auditLines(session.sessionId)[0]?.attempts, 4);
    }));

  test('500 answers are retried too', () =>
    withHarness({}, async (h) => {
      await warmAccessToken(h);
      const session = await h.newSession();
      await h.faults({ failNext: 1, errorStatus: 500 });
      assert.equal((await h.cancel(session)).body.outcome, 'cancelled');
      assert.deepEqual(
        historyOf(await h.inspect(session.sessionId), 'cancel').map((c) => c.httpStatus),
        [500, 200],
      );
    }));

  test('a 429 is retried no sooner than its Retry-After', () =>
    withHarness({ relay: { answerWithinMs: 4000 } }, async (h) => {
      await warmAccessToken(h);
      const session = await h.newSession();
      await h.faults({ rateLimitNext: 1, retryAfterSeconds: 1 });
      const { body } = await h.cancel(session);
      assert.equal(body.outcome, 'cancelled');
      const calls = (await h.inspect(session.sessionId)).history.filter((entry) => entry.type === 'cancel');
      assert.deepEqual(
        calls.map((c) => [c.httpStatus, c.outcome]),
        [
          [429, 'injected-rate-limit'],
          [200, 'cancelled'],
        ],
      );
      // Honouring Retry-After is behaviour, not speed: the provider's own clock shows the gap.
      const gap = Date.parse(calls[1]!.at) - Date.parse(calls[0]!.at);
      assert.ok(gap >= 990, `retried after ${gap} ms, before the 1 s Retry-After`);
    }));

  test('a timed-out attempt that did cancel at the provider ends as already-terminal, Cancelled', () =>
    withHarness({ relay: { providerTimeoutMs: 300, answerWithinMs: 4000 } }, async (h) => {
      await warmAccessToken(h);
      const session = await h.newSession();
      await h.faults({ latencyMs: 500 });
      const pending = h.cancel(session);
      // Let the first attempt time out (the sandbox still processes it), then heal the provider.
      await eventually(async () => ((await h.inspect(session.sessionId)).cancelCalls >= 1 ? true : undefined));
      await h.clearFaults();
      const { http, body } = await pending;
      assert.equal(http, 200);
      const { correlationId: _id, ...rest } = body as typeof body & { correlationId?: string };
      assert.deepEqual(rest, { outcome: 'already-terminal', status: 'Cancelled', providerStatus: 'Cancelled', statusDetails: 'EFT0501' });
      assert.equal((await h.inspect(session.sessionId)).session.status, 'Cancelled');
    }));
});

describe('access tokens', () => {
  test('concurrent cancels after a quiet spell share one authorize call', () =>
    withHarness({}, async (h) => {
      const sessions = await Promise.all(Array.from({ length: 6 }, () => h.newSession()));
      const answers = await Promise.all(sessions.map((session) => h.cancel(session)));
      assert.ok(answers.every(({ body }) => body.outcome === 'cancelled'));
      assert.equal(countOf(h.providerRequests, 'POST /api/v1/authorize'), 1);
      assert.equal(h.providerRequests.filter((r) => r.endsWith('/cancel')).length, 6);
    }));

  test('a token that dies early (expiry mid-run) is replaced after one 401, and the cancel retried', () =>
    withHarness({}, async (h) => {
      await h.faults({ tokenLifetimeSeconds: 1 }); // tokens die after 1 s though expires_in says 299
      await warmAccessToken(h);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const session = await h.newSession();
      const { body } = await h.cancel(session);
      assert.equal(body.outcome, 'cancelled');
      assert.deepEqual(historyOf(await h.inspect(session.sessionId), 'cancel'), [
        { httpStatus: 401, outcome: 'unauthorized' },
        { httpStatus: 200, outcome: 'cancelled' },
      ]);
      assert.equal(countOf(h.providerRequests, 'POST /api/v1/authorize'), 2);
    }));

  test('revoked tokens: same recovery, and the cached token is reused afterwards', () =>
    withHarness({}, async (h) => {
      await warmAccessToken(h);
      const response = await fetch(`${h.sandbox.url}/sandbox/tokens`, { method: 'DELETE' });
      assert.equal(response.status, 200);
      const first = await h.newSession();
      const second = await h.newSession();
      assert.equal((await h.cancel(first)).body.outcome, 'cancelled');
      assert.equal((await h.cancel(second)).body.outcome, 'cancelled');
      assert.deepEqual(historyOf(await h.inspect(second.sessionId), 'cancel'), [{ httpStatus: 200, outcome: 'cancelled' }]);
      assert.equal(countOf(h.providerRequests, 'POST /api/v1/authorize'), 2);
    }));

  test('wrong client credentials fail the cancel at once, without leaking the secret', async () => {
    const h = await startHarness();
    const wrong = await startHarness({
      relay: { provider: { url: h.sandbox.url, clientId: 'relay-test-client', clientSecret: 'not-the-secret-xyz' } },
    });
    try {
      const session = await h.newSession();
      // The second relay checks tokens with its own key: mint one so only the credentials are wrong.
      const token = await mintCancelToken({ sessionId: session.sessionId, expiresAt: Date.now() + 60_000 }, wrong.tokenKeys[0]!);
      const { http, body } = await wrong.cancel({ ...session, cancelToken: token });
      assert.equal(http, 502);
      assert.equal(body.outcome, 'failed');
      // The shopper's page is told it failed, with an id; the detail is in the audit line only.
      assert.match(body.error ?? '', /^the provider did not confirm the cancel \(reference [\w-]{12}\)$/);
      const line = wrong.auditLines(session.sessionId).find((entry) => entry.outcome === 'failed');
      assert.match(String(line?.error), /refused the client credentials/);
      assert.ok(body.error?.includes(String(line?.correlationId)));
      assert.equal(countOf(wrong.providerRequests, 'POST /api/v1/authorize'), 1, 'a credential refusal is not retried');
      assert.ok(!JSON.stringify(body).includes('not-the-secret-xyz'));
      assert.ok(!JSON.stringify(wrong.logs).includes('not-the-secret-xyz'));
      assert.equal((await h.inspect(session.sessionId)).cancelCalls, 0);
    } finally {
      await wrong.close();
      await h.close();
    }
  });
});

describe('a provider outage longer than the HTTP answer', () => {
  test('the answer says failed + retrying in time; the cancel lands once the provider is back', () =>
    withHarness({ relay: { answerWithinMs: 300 } }, async (h) => {
      await warmAccessToken(h);
      const session = await h.newSession();
      await h.faults({ errorRate: 1, errorStatus: 503 });
      const { http, body } = await h.cancel(session);
      assert.equal(http, 202);
      const { correlationId, ...rest } = body as typeof body & { correlationId?: string };
      assert.deepEqual(rest, {
        outcome: 'failed',
        retrying: true,
        error: `the provider has not confirmed the cancel yet; the relay keeps retrying (reference ${correlationId})`,
      });
      assert.ok(!/503|Unavailable|HTTP/.test(JSON.stringify(body)), 'no provider internals in the answer');
      // A second cancel during the outage joins the first instead of adding a parallel retry loop.
      const second = await h.cancel(session, { reason: 'page-unload' });
      assert.equal(second.body.retrying, true);
      await h.clearFaults();
      const view = await eventually(async () => {
        const current = await h.inspect(session.sessionId);
        return current.session.status === 'Cancelled' ? current : undefined;
      });
      const calls = historyOf(view, 'cancel');
      assert.ok(calls.length >= 2);
      assert.deepEqual(calls.at(-1), { httpStatus: 200, outcome: 'cancelled' });
      assert.ok(calls.slice(0, -1).every((c) => c.httpStatus === 503), 'one success, after the failures');
      const lines = await eventually(() => {
        const found = h.auditLines(session.sessionId);
        return found.length === 2 ? found : undefined;
      });
      const primary = lines.find((line) => !line.deduplicated)!;
      assert.equal(primary.outcome, 'cancelled');
      assert.equal(primary.answeredBeforeOutcome, true);
      assert.equal(primary.attempts, calls.length);
      // Nothing more is sent once it landed.
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal((await h.inspect(session.sessionId)).cancelCalls, calls.length);
    }));

  test('retrying stops when the session would have expired anyway', () =>
    withHarness({ relay: { answerWithinMs: 200 } }, async (h) => {
      await warmAccessToken(h);
      const session = await h.newSession({}, undefined, 800); // token (and session) expire in 0.8 s
      await h.faults({ errorRate: 1, errorStatus: 503 });
      try {
        assert.equal((await h.cancel(session)).body.retrying, true);
        const [line] = await eventually(() => {
          const found = h.auditLines(session.sessionId);
          return found.length > 0 ? found : undefined;
        }, 5000);
        assert.equal(line!.outcome, 'failed');
        assert.ok(Number(line!.attempts) > 1);
        assert.match(String(line!.error), /HTTP 503/);
        const calls = (await h.inspect(session.sessionId)).cancelCalls;
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal((await h.inspect(session.sessionId)).cancelCalls, calls, 'no calls after giving up');
      } finally {
        await h.clearFaults();
      }
    }));

  test('a graceful shutdown waits for retries that finish within the bound', () =>
    withHarness({ relay: { answerWithinMs: 200 } }, async (h) => {
      await warmAccessToken(h);
      const session = await h.newSession();
      await h.faults({ errorRate: 1, errorStatus: 503 });
      assert.equal((await h.cancel(session)).http, 202);
      setTimeout(() => void h.clearFaults(), 300);
      const report = await h.relay.drain(5000);
      assert.deepEqual(report, { settled: 1, abandoned: 0 });
      assert.equal((await h.inspect(session.sessionId)).session.status, 'Cancelled');
      assert.equal(h.auditLines(session.sessionId)[0]?.outcome, 'cancelled');
    }));

  test('past the bound, retries are stopped and logged as abandoned', () =>
    withHarness({ relay: { answerWithinMs: 200 } }, async (h) => {
      await warmAccessToken(h);
      const session = await h.newSession();
      await h.faults({ errorRate: 1, errorStatus: 503 });
      assert.equal((await h.cancel(session)).http, 202);
      const report = await h.relay.drain(300);
      assert.deepEqual(report, { settled: 0, abandoned: 1 });
      const [line] = h.auditLines(session.sessionId);
      assert.equal(line?.outcome, 'failed');
      assert.equal(line?.abandoned, true);
      const calls = (await h.inspect(session.sessionId)).cancelCalls;
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal((await h.inspect(session.sessionId)).cancelCalls, calls, 'nothing is sent after the drain');
    }));
});
