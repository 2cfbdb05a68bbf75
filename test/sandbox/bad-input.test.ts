import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { authorize, bearer, createSession, expectProblem, initiateBody, start } from './support.js';

/** Bad input of every kind gets a ProblemDetails answer: never a crash, never a 500. */
describe('bad input', () => {
  let sandbox: RunningSandbox;
  let base: string;
  let token: string;
  before(async () => {
    sandbox = await start();
    base = sandbox.url;
  });
  after(() => sandbox.close());

  async function initiateRaw(body: BodyInit, contentType?: string, extra: RequestInit = {}): Promise<Response> {
    token = await authorize(base);
    const headers: Record<string, string> = { ...bearer(token) };
    if (contentType) headers['Content-Type'] = contentType;
    return fetch(`${base}/api/v2/sessions`, { method: 'POST', headers, body, ...extra });
  }

  test('malformed JSON is 400', async () => {
    for (const text of ['{', '{"type":"EFT",}', "{'type':'EFT'}", 'undefined', '{"a":1}{"b":2}']) {
      const problem = await expectProblem(await initiateRaw(text, 'application/json'), 400);
      assert.match(problem.detail, /JSON/);
    }
  });

  test('an empty body is 400', async () => {
    await expectProblem(await initiateRaw('', 'application/json'), 400);
  });

  test('a body that is not JSON-typed is 415', async () => {
    const json = JSON.stringify(initiateBody());
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
      await expectProblem(await initiateRaw(json, type), 415);
    }
    // No Content-Type at all (a Blob without a type sends none).
    await expectProblem(await initiateRaw(new Blob([json]), undefined), 415);
  });

  test('application/json with a charset parameter is fine', async () => {
    assert.equal((await initiateRaw(JSON.stringify(initiateBody()), 'application/json; charset=utf-8')).status, 201);
  });

  test('a huge body is 413, with or without Content-Length', async () => {
    const huge = JSON.stringify({ ...initiateBody(), referenceId: 'x'.repeat(2_000_000) });
    await expectProblem(await initiateRaw(huge, 'application/json'), 413);
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 32) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const chunked = await initiateRaw(stream, 'application/json', { duplex: 'half' } as RequestInit);
    await expectProblem(chunked, 413);
    // The server is still fine afterwards.
    assert.equal((await initiateRaw(JSON.stringify(initiateBody()), 'application/json')).status, 201);
  });

  test('invalid UTF-8 is 400', async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]);
    const problem = await expectProblem(await initiateRaw(bytes, 'application/json'), 400);
    assert.match(problem.detail, /UTF-8/);
  });

  test('prototype keys are unknown fields, not a pollution vector', async () => {
    const text = '{"__proto__":{"polluted":true},"type":"EFT","direction":"DEBIT","referenceId":"r","payor":{"firstName":"a","lastName":"b"}}';
    const problem = await expectProblem(await initiateRaw(text, 'application/json'), 400);
    assert.ok(problem.errors?.__proto__);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('bad input on the hosted-flow and control endpoints', async () => {
    const { sessionId } = await createSession(base);
    const post = (path: string, body: string, type = 'application/json') => fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': type }, body });
    await expectProblem(await post(`/app/api/sessions/${sessionId}/step`, '{"step":'), 400);
    await expectProblem(await post(`/app/api/sessions/${sessionId}/step`, '{"step":"not a step"}'), 400);
    await expectProblem(await post(`/app/api/sessions/${sessionId}/step`, '{"step":"APP_MOUNTED","x":1}'), 400);
    await expectProblem(await post(`/app/api/sessions/${sessionId}/step`, 'step=APP_MOUNTED', 'application/x-www-form-urlencoded'), 415);
    await expectProblem(await post(`/app/api/sessions/${crypto.randomUUID()}/step`, '{"step":"APP_MOUNTED"}'), 404);
    await expectProblem(await post(`/sandbox/sessions/${sessionId}/force`, 'null'), 400);
    await expectProblem(await post(`/sandbox/sessions/${sessionId}/force`, '{"status":'), 400);
    await expectProblem(await fetch(`${base}/app/api/sessions/not-a-uuid/state`), 404);
  });

  test('fuzz: any JSON value as an initiate body is 201 or a 400 ProblemDetails', async () => {
    token = await authorize(base);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.record({ type: fc.constantFrom('EFT', 'e-Transfer', 'x'), direction: fc.string(), referenceId: fc.string(), amount: fc.double(), payor: fc.anything() })), async (value) => {
        const response = await fetch(`${base}/api/v2/sessions`, { method: 'POST', headers: { ...bearer(token), 'Content-Type': 'application/json' }, body: JSON.stringify(value) ?? 'null' });
        if (response.status === 201) {
          token = await authorize(base);
          return;
        }
        await expectProblem(response, 400);
      }),
      { numRuns: 150 },
    );
  });

  test('fuzz: arbitrary text bodies and paths never produce a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), fc.constantFrom('POST', 'GET', 'PUT', 'DELETE', 'PATCH'), fc.constantFrom('/api/v2/sessions', '/api/v1/authorize', '/sandbox/faults', `/api/v2/sessions/${crypto.randomUUID()}/cancel`), async (body, method, path) => {
        const response = await fetch(`${base}${path}`, {
          method,
          headers: { 'Content-Type': 'application/json', ...bearer('x') },
          ...(method === 'GET' ? {} : { body }),
        });
        assert.ok(response.status < 500, `${method} ${path} answered ${response.status}`);
        if (response.status >= 400) assert.equal(response.headers.get('content-type'), 'application/problem+json');
        await response.arrayBuffer();
      }),
      { numRuns: 150 },
    );
    await fetch(`${base}/sandbox/faults`, { method: 'DELETE' });
  });
});
