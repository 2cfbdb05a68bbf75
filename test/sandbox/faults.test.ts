import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { authorize, basic, bearer, createSession, expectProblem, fakeClock, initiateBody, inspect, postJson, start } from './support.js';

describe('fault injection (/sandbox/faults)', () => {
  const clock = fakeClock();
  let sandbox: RunningSandbox;
  let base: string;
  let randomValue = 0.5;
  before(async () => {
    sandbox = await start({ now: clock.now, random: () => randomValue });
    base = sandbox.url;
  });
  after(() => sandbox.close());
  afterEach(async () => {
    await fetch(`${base}/sandbox/faults`, { method: 'DELETE' });
  });

  const putFaults = (body: unknown, method = 'PUT') =>
    fetch(`${base}/sandbox/faults`, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  test('GET shows no faults by default', async () => {
    assert.deepEqual(await (await fetch(`${base}/sandbox/faults`)).json(), {
      latencyMs: 0,
      errorRate: 0,
      errorStatus: 503,
      failNext: 0,
      rateLimitNext: 0,
      retryAfterSeconds: 1,
      tokenLifetimeSeconds: null,
    });
  });

  test('failNext answers exactly the next N /api requests with errorStatus, then recovers', async () => {
    const { token, sessionId } = await createSession(base);
    assert.equal((await putFaults({ failNext: 2, errorStatus: 500 })).status, 200);
    const cancel = () => fetch(`${base}/api/v2/sessions/${sessionId}/cancel`, { method: 'POST', headers: bearer(token) });
    const first = await expectProblem(await cancel(), 500);
    assert.match(first.detail, /injected/);
    await expectProblem(await cancel(), 500);
    assert.equal((await inspect(base, sessionId)).session.status, 'Initiated', 'an injected error changes nothing');
    assert.equal((await cancel()).status, 200);
    const { cancelCalls, history } = await inspect(base, sessionId);
    assert.equal(cancelCalls, 3);
    assert.deepEqual(
      history.filter((h) => h.type === 'cancel').map((h) => [h.httpStatus, h.outcome]),
      [
        [500, 'injected-fault'],
        [500, 'injected-fault'],
        [200, 'cancelled'],
      ],
    );
  });

  test('rateLimitNext answers 429 with Retry-After, before any failNext', async () => {
    await putFaults({ rateLimitNext: 1, failNext: 1, retryAfterSeconds: 7 });
    const limited = await fetch(`${base}/api/v1/authorize`, { method: 'POST', headers: { Authorization: basic(), 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    await expectProblem(limited, 429);
    assert.equal(limited.headers.get('retry-after'), '7');
    const failed = await fetch(`${base}/api/v1/authorize`, { method: 'POST', headers: { Authorization: basic(), 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    await expectProblem(failed, 503);
    assert.equal(typeof (await authorize(base)), 'string');
    assert.deepEqual(
      { failNext: 0, rateLimitNext: 0 },
      (({ failNext, rateLimitNext }) => ({ failNext, rateLimitNext }))((await (await fetch(`${base}/sandbox/faults`)).json()) as { failNext: number; rateLimitNext: number }),
    );
  });

  test('errorRate answers that share of requests with errorStatus (random source injected)', async () => {
    await putFaults({ errorRate: 0.3 });
    randomValue = 0.29;
    await expectProblem(await fetch(`${base}/api/v2/sessions/${crypto.randomUUID()}/status`), 503);
    randomValue = 0.3;
    await expectProblem(await fetch(`${base}/api/v2/sessions/${crypto.randomUUID()}/status`), 401);
    randomValue = 0.5;
  });

  test('latencyMs delays /api answers by at least that long', async () => {
    await putFaults({ latencyMs: 150 });
    const started = performance.now();
    await fetch(`${base}/api/v2/sessions/${crypto.randomUUID()}/status`);
    assert.ok(performance.now() - started >= 140);
  });

  test('latency holds the answer back after the request was handled: a client that gives up may still have cancelled', async () => {
    const { token, sessionId } = await createSession(base);
    await putFaults({ latencyMs: 400 });
    const cancel = fetch(`${base}/api/v2/sessions/${sessionId}/cancel`, { method: 'POST', headers: bearer(token), signal: AbortSignal.timeout(100) });
    await assert.rejects(cancel, { name: 'TimeoutError' });
    assert.equal((await inspect(base, sessionId)).session.status, 'Cancelled');
    assert.equal((await inspect(base, sessionId)).cancelCalls, 1);
  });

  test('faults apply to /api only: controls and the hosted flow are untouched', async () => {
    const { sessionId } = await createSession(base);
    await putFaults({ errorRate: 1, errorStatus: 500 });
    assert.equal((await fetch(`${base}/sandbox/sessions/${sessionId}`)).status, 200);
    assert.equal((await fetch(`${base}/app/?sessionId=${sessionId}`)).status, 200);
    assert.equal((await fetch(`${base}/app/api/sessions/${sessionId}/state`)).status, 200);
    await expectProblem(await fetch(`${base}/api/v2/sessions/${sessionId}/status`), 500);
  });

  test('tokenLifetimeSeconds makes new tokens die early while expires_in still says 299', async () => {
    await putFaults({ tokenLifetimeSeconds: 5 });
    const response = await fetch(`${base}/api/v1/authorize`, { method: 'POST', headers: { Authorization: basic(), 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    const { access_token: token, expires_in } = (await response.json()) as { access_token: string; expires_in: number };
    assert.equal(expires_in, 299);
    clock.advance(5_000);
    await expectProblem(await postJson(`${base}/api/v2/sessions`, initiateBody(), bearer(token)), 401);
  });

  test('DELETE /sandbox/tokens revokes every live token', async () => {
    const { token, sessionId } = await createSession(base);
    const revoked = (await (await fetch(`${base}/sandbox/tokens`, { method: 'DELETE' })).json()) as { revoked: number };
    assert.ok(revoked.revoked >= 1);
    await expectProblem(await fetch(`${base}/api/v2/sessions/${sessionId}/status`, { headers: bearer(token) }), 401);
  });

  test('PUT replaces, PATCH merges, DELETE clears', async () => {
    await putFaults({ latencyMs: 5, failNext: 3 });
    const replaced = (await (await putFaults({ rateLimitNext: 2 })).json()) as Record<string, unknown>;
    assert.equal(replaced.failNext, 0);
    assert.equal(replaced.latencyMs, 0);
    const merged = (await (await putFaults({ failNext: 1 }, 'PATCH')).json()) as Record<string, unknown>;
    assert.equal(merged.rateLimitNext, 2);
    assert.equal(merged.failNext, 1);
    const cleared = (await (await fetch(`${base}/sandbox/faults`, { method: 'DELETE' })).json()) as Record<string, unknown>;
    assert.equal(cleared.rateLimitNext, 0);
  });

  test('bad fault settings are 400 naming the field, and change nothing', async () => {
    const cases: Array<[unknown, string]> = [
      [{ errorRate: 1.5 }, 'errorRate'],
      [{ errorStatus: 502 }, 'errorStatus'],
      [{ failNext: -1 }, 'failNext'],
      [{ failNext: 1.5 }, 'failNext'],
      [{ latencyMs: '10' }, 'latencyMs'],
      [{ chaos: true }, 'chaos'],
    ];
    for (const [body, field] of cases) {
      const problem = await expectProblem(await putFaults(body), 400);
      assert.ok(problem.errors?.[field], `${JSON.stringify(body)} should name ${field}`);
    }
    await expectProblem(await putFaults([1, 2]), 400);
    const notJson = await fetch(`${base}/sandbox/faults`, { method: 'PUT', headers: { 'Content-Type': 'text/plain' }, body: 'failNext=1' });
    await expectProblem(notJson, 415);
    assert.equal(((await (await fetch(`${base}/sandbox/faults`)).json()) as { failNext: number }).failNext, 0);
  });
});
