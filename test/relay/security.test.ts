/**
 * Requests the relay must refuse: bad tokens, foreign origins, malformed bodies. For each,
 * the sandbox shows that nothing reached the provider.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mintCancelToken } from '../../src/relay/index.js';
import { randomKey, SHOP_ORIGIN, startHarness, type Harness } from './harness.js';

describe('refused cancel requests', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ relay: { rejectionLogIntervalMs: 300 } });
  });
  after(() => h.close());

  /** Asserts the relay refused without calling the provider for this session. */
  async function assertUntouched(sessionId: string) {
    const view = await h.inspect(sessionId);
    assert.equal(view.cancelCalls, 0, 'no cancel reached the provider');
    assert.equal(view.session.status, 'Initiated');
  }

  test('forged, expired, other-session and other-key tokens are rejected with 403', async () => {
    const session = await h.newSession();
    const other = await h.newSession();
    const [version, expiry, mac] = session.cancelToken.split('.') as [string, string, string];
    const tokens: Record<string, string> = {
      forged: `v1.${Date.now() + 60_000}.${'A'.repeat(43)}`,
      'expiry extended': `${version}.${Number(expiry) + 60_000}.${mac}`,
      expired: await mintCancelToken({ sessionId: session.sessionId, expiresAt: Date.now() - 1 }, h.tokenKeys[0]!),
      'other session': other.cancelToken,
      'other key': await mintCancelToken({ sessionId: session.sessionId, expiresAt: Date.now() + 60_000 }, randomKey()),
    };
    for (const [name, token] of Object.entries(tokens)) {
      const { http, body } = await h.cancel(session, { token });
      assert.equal(http, 403, name);
      assert.deepEqual(body, { outcome: 'rejected', error: 'invalid or expired cancel token' }, name);
    }
    await assertUntouched(session.sessionId);
    await assertUntouched(other.sessionId);
    // The first refusal of each kind is written in full; the rest are counted into a summary.
    const reasons = h.auditLines(session.sessionId).map((line) => [line.outcome, line.error]);
    assert.ok(reasons.every(([outcome]) => outcome === 'rejected'));
    assert.ok(reasons.some(([, error]) => error === 'token has expired'));
    assert.ok(reasons.some(([, error]) => error === 'token signature does not match this session'));
    // The harness summarises every 300 ms: once the last interval is out, the log accounts for
    // every refusal (each interval: its first in full, then a summary counting them all).
    await new Promise((resolve) => setTimeout(resolve, 700));
    const summaries = h.logs.filter((line) => line.type === 'bank-pay.rejections' && line.route === 'cancel');
    const full = h.auditLines(session.sessionId).length;
    const accounted = summaries.reduce((sum, line) => sum + Number(line.count), 0) + full - summaries.length;
    assert.equal(accounted, Object.keys(tokens).length, 'every refusal is counted');
    assert.ok(!JSON.stringify(h.logs).includes(tokens.forged!));
  });

  test('a request from an origin not on the allow list is rejected, no CORS header', async () => {
    const session = await h.newSession();
    for (const origin of ['https://evil.example', 'null', 'https://shop.example.evil.example', 'http://shop.example']) {
      const response = await h.post(JSON.stringify({ sessionId: session.sessionId, token: session.cancelToken, reason: 'api' }), {
        origin,
      });
      assert.equal(response.status, 403, origin);
      assert.equal(response.headers.get('access-control-allow-origin'), null);
      assert.deepEqual(await response.json(), { outcome: 'rejected', error: 'origin not allowed' });
    }
    await assertUntouched(session.sessionId);
  });

  test('malformed bodies get 400 with a reason', async () => {
    const session = await h.newSession();
    const { sessionId, cancelToken: token } = session;
    const cases: Array<[string, string, RegExp]> = [
      ['not JSON', '{"sessionId":', /not valid JSON/],
      ['empty', '', /not valid JSON/],
      ['array', '[]', /must be an object/],
      ['null', 'null', /must be an object/],
      ['bad session id', JSON.stringify({ sessionId: 'abc', token, reason: 'api' }), /sessionId/],
      ['missing token', JSON.stringify({ sessionId, reason: 'api' }), /token/],
      ['number token', JSON.stringify({ sessionId, token: 7, reason: 'api' }), /token/],
      ['unknown reason', JSON.stringify({ sessionId, token, reason: 'boredom' }), /reason/],
      ['unknown field', JSON.stringify({ sessionId, token, reason: 'api', amount: 1 }), /unknown field/],
      ['bad phase', JSON.stringify({ sessionId, token, reason: 'api', phase: 'now' }), /phase/],
    ];
    for (const [name, body, reason] of cases) {
      const response = await h.post(body);
      assert.equal(response.status, 400, name);
      const answer = (await response.json()) as { outcome: string; error: string };
      assert.equal(answer.outcome, 'rejected', name);
      assert.match(answer.error, reason, name);
    }
    const twice = await h.post(`sessionId=${sessionId}&sessionId=${sessionId}&token=${token}&reason=api`, {
      contentType: 'application/x-www-form-urlencoded',
    });
    assert.equal(twice.status, 400);
    await assertUntouched(sessionId);
  });

  test('wrong content types get 415', async () => {
    const session = await h.newSession();
    const body = JSON.stringify({ sessionId: session.sessionId, token: session.cancelToken, reason: 'api' });
    for (const contentType of ['multipart/form-data; boundary=x', 'text/html', 'application/xml', null]) {
      const response = await h.post(body, { contentType });
      assert.equal(response.status, 415, String(contentType));
      assert.match(((await response.json()) as { error: string }).error, /content type/);
    }
    await assertUntouched(session.sessionId);
  });

  test('bodies over 2 KiB get 413, with or without Content-Length', async () => {
    const session = await h.newSession();
    const big = JSON.stringify({ sessionId: session.sessionId, token: session.cancelToken, reason: 'api', pad: 'x'.repeat(3000) });
    const declared = await h.post(big);
    assert.equal(declared.status, 413);
    assert.match(((await declared.json()) as { error: string }).error, /2048 bytes/);

    // A streamed body has no Content-Length: the limit is enforced while reading.
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(encoder.encode('x'.repeat(1000)));
        controller.close();
      },
    });
    const chunked = await fetch(`${h.relayUrl}/bank-pay/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: SHOP_ORIGIN },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    assert.equal(chunked.status, 413);
    await assertUntouched(session.sessionId);
  });

  test('floods from one client IP get 429 with Retry-After', async () => {
    const limited = await startHarness({ relay: { rateLimit: { perClientIp: { limit: 5, windowMs: 60_000 } } } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await limited.post('{}')).status);
      assert.deepEqual(statuses, [400, 400, 400, 400, 400, 429, 429, 429]);
      const response = await limited.post('{}');
      assert.ok(Number(response.headers.get('retry-after')) > 0);
      assert.equal(((await response.json()) as { outcome: string }).outcome, 'rejected');
    } finally {
      await limited.close();
    }
  });

  test("status checks have their own per-address budget: a polling page never uses up its cancel's", async () => {
    const limited = await startHarness({
      relay: { rateLimit: { perClientIp: { limit: 3, windowMs: 60_000 }, perSession: { limit: 1000, windowMs: 60_000 } } },
    });
    try {
      const session = await limited.newSession();
      const statusUrl = `${limited.relayUrl}/bank-pay/sessions/${session.sessionId}/status?token=${encodeURIComponent(session.cancelToken)}`;
      const polls: number[] = [];
      for (let i = 0; i < 5; i++) polls.push((await fetch(statusUrl)).status);
      assert.deepEqual(polls, [200, 200, 200, 429, 429]);
      const { http, body } = await limited.cancel(session);
      assert.equal(http, 200);
      assert.equal(body.outcome, 'cancelled');
      assert.equal((await limited.inspect(session.sessionId)).cancelCalls, 1);
    } finally {
      await limited.close();
    }
  });

  test('the per-session limit counts only verified requests, so forgeries cannot lock a session out', async () => {
    const limited = await startHarness({
      relay: { rateLimit: { perClientIp: { limit: 1000, windowMs: 60_000 }, perSession: { limit: 3, windowMs: 60_000 } } },
    });
    try {
      const session = await limited.newSession();
      for (let i = 0; i < 10; i++) assert.equal((await limited.cancel(session, { token: 'v1.1.forged' })).http, 403);
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push((await limited.cancel(session)).http);
      assert.deepEqual(answers, [200, 200, 200, 429, 429]);
      assert.equal((await limited.inspect(session.sessionId)).cancelCalls, 1);
    } finally {
      await limited.close();
    }
  });

  test('answers never contain the client secret, a key or an access token', async () => {
    const session = await h.newSession();
    const texts: string[] = [];
    for (const token of [session.cancelToken, 'v1.1.x']) {
      const response = await h.post(JSON.stringify({ sessionId: session.sessionId, token, reason: 'api' }));
      texts.push(await response.text());
    }
    const joined = texts.join('\n');
    assert.ok(!joined.includes('relay-test-secret'));
    assert.ok(!joined.includes(h.tokenKeys[0]!));
    assert.ok(!/bearer/i.test(joined));
  });
});

describe('key rotation', () => {
  test('tokens signed by the old key keep working after a new key is put first', async () => {
    const oldKey = randomKey();
    const newKey = randomKey();
    const h = await startHarness({ relay: { tokenKeys: [newKey, oldKey] } });
    try {
      const mintedBeforeRotation = await h.newSession({}, oldKey);
      const mintedAfterRotation = await h.newSession({}, newKey);
      assert.equal((await h.cancel(mintedBeforeRotation)).body.outcome, 'cancelled');
      assert.equal((await h.cancel(mintedAfterRotation)).body.outcome, 'cancelled');
    } finally {
      await h.close();
    }
  });

  test('once the old key is removed, its tokens are rejected', async () => {
    const oldKey = randomKey();
    const h = await startHarness({ relay: { tokenKeys: [randomKey()] } });
    try {
      const session = await h.newSession({}, oldKey);
      const { http, body } = await h.cancel(session);
      assert.equal(http, 403);
      assert.equal(body.outcome, 'rejected');
      assert.equal((await h.inspect(session.sessionId)).cancelCalls, 0);
    } finally {
      await h.close();
    }
  });
});
