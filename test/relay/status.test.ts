/** GET /bank-pay/sessions/{id}/status: the provider status behind the same token check. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mintCancelToken } from '../../src/relay/index.js';
import { historyOf, SHOP_ORIGIN, startHarness, type Harness } from './harness.js';

describe('GET /bank-pay/sessions/{id}/status', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const statusOf = (sessionId: string, token: string | undefined, origin: string | null = SHOP_ORIGIN) =>
    fetch(`${h.relayUrl}/bank-pay/sessions/${sessionId}/status${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`, {
      headers: origin === null ? {} : { origin },
    });

  test('answers the provider status reduced to {status, providerStatus, statusDetails}, before and after a cancel', async () => {
    const session = await h.newSession();
    const live = await statusOf(session.sessionId, session.cancelToken);
    assert.equal(live.status, 200);
    assert.equal(live.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    assert.deepEqual(await live.json(), { status: 'Initiated', providerStatus: 'Initiated', statusDetails: 'EFT0101' });
    await h.cancel(session);
    const ended = await statusOf(session.sessionId, session.cancelToken, null);
    assert.deepEqual(await ended.json(), { status: 'Cancelled', providerStatus: 'Cancelled', statusDetails: 'EFT0501' });
  });

  test('a GEFT session is Cancelled in status (what the element reads), Canceled in providerStatus', async () => {
    const session = await h.newSession({
      options: { guarantee: { enable: true } },
      payee: { account: { institutionCode: '001', transitNumber: '00011', accountNumber: '1234567' } },
    });
    await h.cancel(session);
    const response = await statusOf(session.sessionId, session.cancelToken);
    assert.deepEqual(await response.json(), { status: 'Cancelled', providerStatus: 'Canceled', statusDetails: 'EFT0501' });
  });

  test('refuses bad tokens, ids and origins without asking the provider', async () => {
    const session = await h.newSession();
    const other = await h.newSession();
    const cases: Array<[string, Promise<Response>, number]> = [
      ['other session token', statusOf(session.sessionId, other.cancelToken), 403],
      ['forged token', statusOf(session.sessionId, `v1.${Date.now() + 9999}.${'B'.repeat(43)}`), 403],
      ['no token', statusOf(session.sessionId, undefined), 400],
      ['empty token', statusOf(session.sessionId, ''), 400],
      ['bad id', statusOf('not-a-uuid', session.cancelToken), 400],
      ['foreign origin', statusOf(session.sessionId, session.cancelToken, 'https://evil.example'), 403],
    ];
    for (const [name, pending, expected] of cases) {
      const response = await pending;
      assert.equal(response.status, expected, name);
      assert.equal(typeof ((await response.json()) as { error: unknown }).error, 'string', name);
    }
    assert.deepEqual(historyOf(await h.inspect(session.sessionId), 'status'), []);
  });

  test('a session the provider does not know is 404', async () => {
    const sessionId = crypto.randomUUID();
    const token = await mintCancelToken({ sessionId, expiresAt: Date.now() + 60_000 }, h.tokenKeys[0]!);
    const response = await statusOf(sessionId, token);
    assert.equal(response.status, 404);
  });

  test('a transient provider error is retried within the answer window', async () => {
    const session = await h.newSession();
    await statusOf(session.sessionId, session.cancelToken).then((r) => r.body?.cancel()); // warm the access token
    await h.faults({ failNext: 2, errorStatus: 500 });
    try {
      const response = await statusOf(session.sessionId, session.cancelToken);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { status: 'Initiated', providerStatus: 'Initiated', statusDetails: 'EFT0101' });
      const calls = historyOf(await h.inspect(session.sessionId), 'status');
      assert.deepEqual(calls.map((call) => call.httpStatus), [200, 500, 500, 200]);
    } finally {
      await h.clearFaults();
    }
  });

  test('a provider that stays down gives 502 with a reason, not a hang', async () => {
    const session = await h.newSession();
    await h.faults({ errorRate: 1, errorStatus: 503 });
    try {
      const response = await statusOf(session.sessionId, session.cancelToken);
      assert.equal(response.status, 502);
      // The page gets an id to quote; the provider's own words stay in the log.
      const body = (await response.json()) as { error: string; correlationId: string };
      assert.equal(body.error, `could not read the session status (reference ${body.correlationId})`);
      const line = h.logs.find((entry) => entry.type === 'bank-pay.status' && entry.correlationId === body.correlationId);
      // The provider's 503, or, on a loaded machine, the answer window ending first: the log says which.
      assert.match(String(line?.error), /HTTP 503|did not answer within/);
    } finally {
      await h.clearFaults();
    }
  });
});
