import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { authorize, bearer, createSession, expectProblem, inspect, postJson, start } from './support.js';

describe('test controls (/sandbox/…)', () => {
  let sandbox: RunningSandbox;
  let base: string;
  before(async () => {
    sandbox = await start({ allowedOrigins: ['http://localhost:5173'] });
    base = sandbox.url;
  });
  after(() => sandbox.close());

  const force = (sessionId: string, body: unknown) => postJson(`${base}/sandbox/sessions/${sessionId}/force`, body);

  test('inspect shows the session with client, product and times, its history and cancelCalls', async () => {
    const { sessionId, referenceId } = await createSession(base, 'GEFT');
    const view = await inspect(base, sessionId);
    assert.equal(view.session.sessionId, sessionId);
    assert.equal(view.session.referenceId, referenceId);
    assert.equal(view.session.clientId, 'sandbox-client');
    assert.equal(view.session.product, 'GEFT');
    assert.equal(view.session.type, 'EFT');
    assert.equal(view.session.direction, 'DEBIT');
    assert.equal(view.session.amount, 125.5);
    assert.equal(view.session.status, 'Initiated');
    assert.ok(Date.parse(view.session.createdAt as string) < Date.parse(view.session.expiresAt as string));
    assert.equal(view.cancelCalls, 0);
    assert.equal(view.history[0]?.type, 'initiate');
  });

  test('unknown or malformed ids', async () => {
    await expectProblem(await fetch(`${base}/sandbox/sessions/${crypto.randomUUID()}`), 404);
    await expectProblem(await fetch(`${base}/sandbox/sessions/nope`), 400);
    await expectProblem(await force(crypto.randomUUID(), { status: 'Completed' }), 404);
  });

  test('force sets each terminal status with its default code and records it', async () => {
    const expected: Record<string, string> = { Completed: 'EFT0301', Failed: 'EFT0401', Expired: 'EFT0601', Cancelled: 'EFT0501' };
    for (const [status, code] of Object.entries(expected)) {
      const { token, sessionId } = await createSession(base);
      const response = await force(sessionId, { status });
      assert.equal(response.status, 200);
      const body = (await response.json()) as { session: { status: string; statusDetails: string } };
      assert.equal(body.session.status, status);
      assert.equal(body.session.statusDetails, code);
      const api = (await (await fetch(`${base}/api/v2/sessions/${sessionId}/status`, { headers: bearer(token) })).json()) as Record<string, unknown>;
      assert.equal(api.status, status);
      const { history } = await inspect(base, sessionId);
      assert.deepEqual(history.filter((h) => h.type === 'force').map((h) => h.outcome), [`${status}/${code}`]);
    }
  });

  test('force with a failure code', async () => {
    for (const code of ['EFT0401', 'EFT0402', 'EFT0403', 'EFT0404']) {
      const { sessionId } = await createSession(base);
      assert.equal((await force(sessionId, { status: 'Failed', statusDetails: code })).status, 200);
      assert.equal((await inspect(base, sessionId)).session.statusDetails, code);
    }
  });

  test('force refuses a code of another status, an unknown status, unknown fields, and terminal sessions', async () => {
    const { sessionId } = await createSession(base);
    const mismatch = await expectProblem(await force(sessionId, { status: 'Completed', statusDetails: 'EFT0401' }), 400);
    assert.match(mismatch.detail, /statusDetails/);
    await expectProblem(await force(sessionId, { status: 'Initiated' }), 400);
    await expectProblem(await force(sessionId, { status: 'Done' }), 400);
    await expectProblem(await force(sessionId, { status: 'Failed', reason: 'x' }), 400);
    assert.equal((await force(sessionId, { status: 'Completed' })).status, 200);
    await expectProblem(await force(sessionId, { status: 'Failed' }), 409);
  });

  test('GET /sandbox/sessions lists every session', async () => {
    const { sessionId } = await createSession(base);
    const { sessions } = (await (await fetch(`${base}/sandbox/sessions`)).json()) as { sessions: Array<{ sessionId: string }> };
    assert.ok(sessions.some((session) => session.sessionId === sessionId));
  });

  test('CORS lets an allowed origin read the controls, and only it', async () => {
    const { sessionId } = await createSession(base);
    const allowed = await fetch(`${base}/sandbox/sessions/${sessionId}`, { headers: { Origin: 'http://localhost:5173' } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://localhost:5173');
    const other = await fetch(`${base}/sandbox/sessions/${sessionId}`, { headers: { Origin: 'http://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(`${base}/sandbox/faults`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type' },
    });
    assert.equal(preflight.status, 204);
  });

  test('POST /sandbox/reset forgets sessions, tokens and faults', async () => {
    const { token, sessionId } = await createSession(base);
    await fetch(`${base}/sandbox/faults`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"latencyMs":1}' });
    assert.equal((await fetch(`${base}/sandbox/reset`, { method: 'POST' })).status, 204);
    await expectProblem(await fetch(`${base}/sandbox/sessions/${sessionId}`), 404);
    await expectProblem(await fetch(`${base}/api/v2/sessions/${sessionId}/status`, { headers: bearer(token) }), 401);
    assert.equal(((await (await fetch(`${base}/sandbox/faults`)).json()) as { latencyMs: number }).latencyMs, 0);
    assert.equal(typeof (await authorize(base)), 'string');
  });

  test('wrong methods on controls are 405', async () => {
    for (const [method, path] of [['GET', '/sandbox/reset'], ['POST', '/sandbox/faults'], ['GET', '/sandbox/tokens'], ['DELETE', '/sandbox/sessions']] as const) {
      await expectProblem(await fetch(`${base}${path}`, { method }), 405);
    }
  });

  test('GET /sandbox describes the controls', async () => {
    const index = (await (await fetch(`${base}/sandbox`)).json()) as { controls: Record<string, string> };
    assert.ok(Object.keys(index.controls).some((key) => key.includes('/sandbox/faults')));
  });
});
