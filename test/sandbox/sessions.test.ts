import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { authorize, bearer, createSession, expectProblem, inspect, postJson, start, type Product } from './support.js';

describe('details, status and cancel', () => {
  let sandbox: RunningSandbox;
  let base: string;
  before(async () => {
    sandbox = await start({ clients: [{ clientId: 'sandbox-client', clientSecret: 'sandbox-secret' }, { clientId: 'other', clientSecret: 'other-secret' }] });
    base = sandbox.url;
  });
  after(() => sandbox.close());

  const cancel = (id: string, token: string, init: RequestInit = {}) =>
    fetch(`${base}/api/v2/sessions/${id}/cancel`, { method: 'POST', ...init, headers: { ...bearer(token), ...(init.headers as Record<string, string>) } });

  test('status answers exactly {sessionId, referenceId, amount, status, statusDetails}', async () => {
    const { token, sessionId, referenceId } = await createSession(base);
    const response = await fetch(`${base}/api/v2/sessions/${sessionId}/status`, { headers: bearer(token) });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { sessionId, referenceId, amount: 125.5, status: 'Initiated', statusDetails: 'EFT0101' });
  });

  test('details carry status, step, amount, payor, options and times', async () => {
    const { token, sessionId } = await createSession(base, 'GEFT');
    const details = (await (await fetch(`${base}/api/v2/sessions/${sessionId}/details`, { headers: bearer(token) })).json()) as Record<string, unknown>;
    for (const key of ['sessionId', 'referenceId', 'type', 'direction', 'currency', 'amount', 'status', 'statusDetails', 'step', 'payor', 'payee', 'options', 'createdAt', 'expiresAt']) {
      assert.ok(key in details, `details should have ${key}`);
    }
    assert.equal(details.step, null);
    assert.equal(Date.parse(details.expiresAt as string) - Date.parse(details.createdAt as string), 15 * 60_000);
    assert.ok(!('clientId' in details), 'details do not show the client id');
  });

  for (const [product, spelling] of [['EFT', 'Cancelled'], ['GEFT', 'Canceled'], ['e-Transfer', 'Cancelled']] as const satisfies ReadonlyArray<readonly [Product, string]>) {
    test(`${product}: cancel answers 200 {sessionId, referenceId, status: "${spelling}", statusDetails: "EFT0501"}`, async () => {
      const { token, sessionId, referenceId } = await createSession(base, product);
      const response = await cancel(sessionId, token);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { sessionId, referenceId, status: spelling, statusDetails: 'EFT0501' });
      const status = (await (await fetch(`${base}/api/v2/sessions/${sessionId}/status`, { headers: bearer(token) })).json()) as Record<string, unknown>;
      assert.equal(status.status, spelling);
      assert.equal(status.statusDetails, 'EFT0501');
    });
  }

  test('cancelling a terminal session is 400, for every terminal status', async () => {
    const cancelled = await createSession(base);
    await cancel(cancelled.sessionId, cancelled.token);
    const problem = await expectProblem(await cancel(cancelled.sessionId, cancelled.token), 400);
    assert.match(problem.detail, /already Cancelled/);
    for (const status of ['Completed', 'Failed', 'Expired']) {
      const created = await createSession(base);
      assert.equal((await postJson(`${base}/sandbox/sessions/${created.sessionId}/force`, { status })).status, 200);
      const refused = await expectProblem(await cancel(created.sessionId, created.token), 400);
      assert.match(refused.detail, new RegExp(`already ${status}`));
    }
  });

  test('a session of another client is 404 on every endpoint, and stays untouched', async () => {
    const mine = await createSession(base);
    const theirs = await authorize(base, 'other', 'other-secret');
    await expectProblem(await fetch(`${base}/api/v2/sessions/${mine.sessionId}/details`, { headers: bearer(theirs) }), 404);
    await expectProblem(await fetch(`${base}/api/v2/sessions/${mine.sessionId}/status`, { headers: bearer(theirs) }), 404);
    await expectProblem(await cancel(mine.sessionId, theirs), 404);
    assert.equal((await inspect(base, mine.sessionId)).session.status, 'Initiated');
  });

  test('an unknown session is 404', async () => {
    const token = await authorize(base);
    const id = crypto.randomUUID();
    for (const response of [
      await fetch(`${base}/api/v2/sessions/${id}/details`, { headers: bearer(token) }),
      await fetch(`${base}/api/v2/sessions/${id}/status`, { headers: bearer(token) }),
      await cancel(id, token),
    ]) {
      await expectProblem(response, 404);
    }
  });

  test('an id that is not a UUID is 400', async () => {
    const token = await authorize(base);
    for (const id of ['123', 'not-a-uuid', '00000000-0000-0000-0000-00000000000g', "x'%20OR%201=1"]) {
      const problem = await expectProblem(await fetch(`${base}/api/v2/sessions/${id}/status`, { headers: bearer(token) }), 400);
      assert.match(problem.detail, /UUID/);
    }
  });

  test('session ids are matched case-insensitively', async () => {
    const { token, sessionId } = await createSession(base);
    assert.equal((await fetch(`${base}/api/v2/sessions/${sessionId.toUpperCase()}/status`, { headers: bearer(token) })).status, 200);
  });

  test('cancel ignores a small body and refuses a huge one', async () => {
    const { token, sessionId } = await createSession(base);
    await expectProblem(await cancel(sessionId, token, { body: 'x'.repeat(200_000), headers: { 'Content-Type': 'text/plain' } }), 413);
    assert.equal((await inspect(base, sessionId)).session.status, 'Initiated');
    const response = await cancel(sessionId, token, { body: '{}', headers: { 'Content-Type': 'application/json' } });
    assert.equal(response.status, 200);
  });

  test('wrong methods are 405 with Allow', async () => {
    const { token, sessionId } = await createSession(base);
    const cases: Array<[string, string, string]> = [
      ['GET', `/api/v2/sessions/${sessionId}/cancel`, 'POST'],
      ['DELETE', `/api/v2/sessions/${sessionId}/cancel`, 'POST'],
      ['POST', `/api/v2/sessions/${sessionId}/status`, 'GET, HEAD'],
      ['PUT', `/api/v2/sessions/${sessionId}/details`, 'GET, HEAD'],
      ['GET', '/api/v2/sessions', 'POST'],
      ['PATCH', '/api/v2/sessions', 'POST'],
    ];
    for (const [method, path, allow] of cases) {
      const response = await fetch(`${base}${path}`, { method, headers: bearer(token) });
      await expectProblem(response, 405);
      assert.equal(response.headers.get('allow'), allow, `${method} ${path}`);
    }
    // A wrong method is not a call of the endpoint: the history and cancelCalls leave it out.
    const record = await inspect(base, sessionId);
    assert.equal(record.cancelCalls, 0);
    assert.deepEqual(record.history.filter((entry) => entry.httpStatus === 405 || entry.httpStatus === 404), []);
  });

  test('unknown paths are 404 ProblemDetails', async () => {
    for (const path of ['/api/v2/sessions/x/y/z', '/api/v3/sessions', '/nothing']) {
      await expectProblem(await fetch(`${base}${path}`), 404);
    }
  });

  test('history records every call with its answer; cancelCalls counts every POST …/cancel', async () => {
    const { token, sessionId } = await createSession(base);
    await fetch(`${base}/api/v2/sessions/${sessionId}/status`, { headers: bearer(token) });
    await fetch(`${base}/api/v2/sessions/${sessionId}/details`, { headers: bearer(token) });
    await cancel(sessionId, token);
    await cancel(sessionId, token);
    await cancel(sessionId, 'bad-token');
    const { history, cancelCalls } = await inspect(base, sessionId);
    assert.equal(cancelCalls, 3);
    assert.deepEqual(
      history.map((entry) => [entry.type, entry.httpStatus, entry.outcome]),
      [
        ['initiate', 201, 'Initiated/EFT0101'],
        ['status', 200, 'ok'],
        ['details', 200, 'ok'],
        ['cancel', 200, 'cancelled'],
        ['cancel', 400, 'already-terminal'],
        ['cancel', 401, 'unauthorized'],
      ],
    );
    for (const entry of history) assert.ok(!Number.isNaN(Date.parse(entry.at)));
  });
});
