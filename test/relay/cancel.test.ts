/** The cancel endpoint against the sandbox: the happy path and every outcome. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCancelRequest } from '../../src/protocol/cancel-request.js';
import { eventually, historyOf, SHOP_ORIGIN, startHarness, type Harness } from './harness.js';

describe('POST /bank-pay/cancel', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('cancels a live session at the provider and answers its new status', async () => {
    const session = await h.newSession();
    const { http, body } = await h.cancel(session);
    assert.equal(http, 200);
    const { correlationId, ...rest } = body as typeof body & { correlationId?: string };
    assert.deepEqual(rest, { outcome: 'cancelled', status: 'Cancelled', providerStatus: 'Cancelled', statusDetails: 'EFT0501' });
    assert.match(String(correlationId), /^[\w-]{12}$/, 'the id that finds its audit lines');
    const view = await h.inspect(session.sessionId);
    assert.equal(view.session.status, 'Cancelled');
    assert.deepEqual(historyOf(view, 'cancel'), [{ httpStatus: 200, outcome: 'cancelled' }]);
  });

  test('the answer carries CORS headers for the allowed origin so a page can read it', async () => {
    const session = await h.newSession();
    const response = await h.post(encodeCancelRequest({ sessionId: session.sessionId, token: session.cancelToken, reason: 'api' }));
    assert.equal(response.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    await response.body?.cancel();
    const preflight = await fetch(`${h.relayUrl}/bank-pay/cancel`, {
      method: 'OPTIONS',
      headers: { origin: SHOP_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    const foreign = await fetch(`${h.relayUrl}/bank-pay/cancel`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });

  test('form-urlencoded bodies (beacon fallback) are accepted too', async () => {
    const session = await h.newSession();
    const form = new URLSearchParams({ sessionId: session.sessionId, token: session.cancelToken, reason: 'page-unload' });
    const response = await h.post(form.toString(), { contentType: 'application/x-www-form-urlencoded' });
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { outcome: string }).outcome, 'cancelled');
  });

  test('a GEFT session: the canonical status, and the provider\'s own spelling (Canceled) beside it', async () => {
    const session = await h.newSession({
      options: { guarantee: { enable: true } },
      payee: { account: { institutionCode: '001', transitNumber: '00011', accountNumber: '1234567' } },
    });
    const { body } = await h.cancel(session);
    assert.equal(body.outcome, 'cancelled');
    assert.equal(body.status, 'Cancelled');
    assert.equal((body as typeof body & { providerStatus?: string }).providerStatus, 'Canceled');
  });

  for (const [status, statusDetails] of [
    ['Completed', 'EFT0301'],
    ['Failed', 'EFT0403'],
    ['Expired', 'EFT0601'],
  ] as const) {
    test(`a ${status} session is already-terminal (the provider's 400 is success for the shopper)`, async () => {
      const session = await h.newSession();
      await h.force(session.sessionId, status, statusDetails);
      const { http, body } = await h.cancel(session);
      assert.equal(http, 200);
      const { correlationId: _id, ...rest } = body as typeof body & { correlationId?: string };
      assert.deepEqual(rest, { outcome: 'already-terminal', status, providerStatus: status, statusDetails });
      const view = await h.inspect(session.sessionId);
      assert.equal(view.session.status, status, 'the relay does not change a terminal session');
      assert.deepEqual(historyOf(view, 'cancel'), [{ httpStatus: 400, outcome: 'already-terminal' }]);
    });
  }

  test('a session unknown to the provider is not-found (token minted for a session of another client)', async () => {
    const { mintCancelToken } = await import('../../src/relay/index.js');
    const sessionId = crypto.randomUUID();
    const token = await mintCancelToken({ sessionId, expiresAt: Date.now() + 60_000 }, h.tokenKeys[0]!);
    const { http, body } = await h.cancel({ sessionId, cancelToken: token, referenceId: '', url: '', expiresAt: '' });
    assert.equal(http, 404);
    assert.equal(body.outcome, 'not-found');
  });

  test('the same session cancelled twice (or ten times at once) reaches the provider once', async () => {
    const session = await h.newSession();
    const answers = await Promise.all(Array.from({ length: 10 }, () => h.cancel(session)));
    for (const { http, body } of answers) {
      assert.equal(http, 200);
      assert.equal(body.outcome, 'cancelled');
    }
    const again = await h.cancel(session, { reason: 'page-unload' });
    assert.equal(again.body.outcome, 'cancelled');
    const view = await h.inspect(session.sessionId);
    assert.equal(view.cancelCalls, 1);
    const lines = h.auditLines(session.sessionId);
    assert.equal(lines.length, 11, 'one audit line per request');
    assert.equal(lines.filter((line) => line.deduplicated === true).length, 10);
    assert.equal(lines.reduce((sum, line) => sum + Number(line.attempts), 0), 1);
  });

  test('every cancel writes one JSON audit line with the listed fields and no token', async () => {
    const session = await h.newSession({ referenceId: 'order-audit-7' });
    await h.cancel(session, { reason: 'flow-close' });
    const [line, ...rest] = await eventually(() => {
      const lines = h.auditLines(session.sessionId);
      return lines.length > 0 ? lines : undefined;
    });
    assert.equal(rest.length, 0);
    assert.deepEqual(Object.keys(line!).sort(), [
      'attempts',
      'correlationId',
      'latencyMs',
      'origin',
      'outcome',
      'reason',
      'referenceId',
      'rule',
      'sessionId',
      'status',
      'statusDetails',
      'time',
      'type',
    ]);
    assert.equal(line!.referenceId, 'order-audit-7');
    assert.equal(line!.reason, 'flow-close');
    assert.equal(line!.rule, 'confirm', 'a cancel the page asked for');
    assert.equal(line!.outcome, 'cancelled');
    assert.equal(line!.attempts, 1);
    assert.equal(line!.origin, SHOP_ORIGIN);
    assert.equal(typeof line!.latencyMs, 'number');
    assert.ok(!Number.isNaN(Date.parse(String(line!.time))));
    // Its acceptance line came first, with the same correlation id.
    const accepted = h.logs.filter((entry) => entry.type === 'bank-pay.cancel-accepted' && entry.sessionId === session.sessionId);
    assert.deepEqual(accepted.map((entry) => [entry.correlationId, entry.reason, entry.rule]), [[line!.correlationId, 'flow-close', 'confirm']]);
    assert.ok(h.logs.indexOf(accepted[0]!) < h.logs.indexOf(line!));
    const text = JSON.stringify(h.logs);
    assert.ok(!text.includes(session.cancelToken), 'no cancel token in any log line');
    assert.ok(!text.includes(h.tokenKeys[0]!), 'no key in any log line');
    assert.ok(!text.includes('relay-test-secret'), 'no client secret in any log line');
  });

  test('a request without an Origin header (server-to-server, some beacons) is served', async () => {
    const session = await h.newSession();
    const { http, body } = await h.cancel(session, { origin: null });
    assert.equal(http, 200);
    assert.equal(body.outcome, 'cancelled');
  });

  test('with leases: false, signals are refused with a clear 404 and cancels still work', async () => {
    const plain = await startHarness({ relay: { leases: false } });
    try {
      const session = await plain.newSession();
      const signal = await plain.signal(session, 'alive');
      assert.equal(signal.http, 404);
      assert.match(signal.body.error ?? '', /not enabled on this relay/);
      const { http } = await plain.cancel(session);
      assert.equal(http, 200);
      assert.equal((await plain.inspect(session.sessionId)).cancelCalls, 1);
    } finally {
      await plain.close();
    }
  });

  test('the provider call completes even when the browser has gone', async () => {
    // A relay with a cold token cache and a slow provider: the browser hangs up while the relay
    // is still authorizing, before it has even sent the cancel.
    const cold = await startHarness();
    try {
      const session = await cold.newSession();
      await cold.faults({ latencyMs: 300 });
      const controller = new AbortController();
      const pending = fetch(`${cold.relayUrl}/bank-pay/cancel`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: SHOP_ORIGIN },
        body: JSON.stringify({ sessionId: session.sessionId, token: session.cancelToken, reason: 'page-unload' }),
        signal: controller.signal,
      });
      await eventually(() => (cold.providerRequests.includes('POST /api/v1/authorize') ? true : undefined));
      controller.abort();
      await assert.rejects(pending);
      assert.equal((await cold.inspect(session.sessionId)).cancelCalls, 0, 'the browser left before the cancel was sent');
      const view = await eventually(async () => {
        const current = await cold.inspect(session.sessionId);
        return historyOf(current, 'cancel').length > 0 ? current : undefined;
      });
      assert.deepEqual(historyOf(view, 'cancel'), [{ httpStatus: 200, outcome: 'cancelled' }]);
      assert.equal(view.session.status, 'Cancelled');
      const [line] = await eventually(() => {
        const lines = cold.auditLines(session.sessionId);
        return lines.length > 0 ? lines : undefined;
      });
      assert.equal(line!.outcome, 'cancelled');
    } finally {
      await cold.close();
    }
  });
});

describe('merchant hooks that throw', () => {
  test('a throwing logger or waitUntil hook neither breaks the cancel nor crashes the process', async () => {
    const h = await startHarness({
      relay: {
        log: () => {
          throw new Error('log sink down');
        },
        waitUntil: () => {
          throw new Error('no execution context');
        },
      },
    });
    try {
      const session = await h.newSession();
      const { http, body } = await h.cancel(session);
      assert.equal(http, 200);
      assert.equal(body.outcome, 'cancelled');
      const rejected = await h.cancel(session, { token: 'v1.1.nope' });
      assert.equal(rejected.http, 403);
      assert.equal((await h.inspect(session.sessionId)).cancelCalls, 1);
    } finally {
      await h.close();
    }
  });
});
