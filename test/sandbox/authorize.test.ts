import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { authorize, basic, bearer, CLIENT_SECRET, expectProblem, fakeClock, initiateBody, postJson, start } from './support.js';

describe('POST /api/v1/authorize', () => {
  const clock = fakeClock();
  let sandbox: RunningSandbox;
  let base: string;

  before(async () => {
    sandbox = await start({ now: clock.now, clients: [{ clientId: 'sandbox-client', clientSecret: CLIENT_SECRET }, { clientId: 'other', clientSecret: 'other-secret' }] });
    base = sandbox.url;
  });
  after(() => sandbox.close());

  const form = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/v1/authorize`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body });

  test('HTTP Basic credentials get a bearer token that lives 299 s', async () => {
    const response = await form('grant_type=client_credentials', { Authorization: basic() });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const body = (await response.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'token_type']);
    assert.equal(body.token_type, 'bearer');
    assert.equal(body.expires_in, 299);
    assert.equal(typeof body.access_token, 'string');
    assert.ok((body.access_token as string).length >= 32);
  });

  test('Username / Password form fields work too', async () => {
    const response = await form(`grant_type=client_credentials&Username=sandbox-client&Password=${CLIENT_SECRET}`);
    assert.equal(response.status, 200);
  });

  test('every call issues a different token', async () => {
    assert.notEqual(await authorize(base), await authorize(base));
  });

  test('a wrong secret, an unknown client or no credentials get 401, and the secret is never echoed', async () => {
    const attempts: Array<Record<string, string>> = [{ Authorization: basic('sandbox-client', 'wrong-secret-value') }, { Authorization: basic('nobody', 'x') }, {}];
    for (const headers of attempts) {
      const response = await form('grant_type=client_credentials', headers);
      const problem = await expectProblem(response, 401);
      assert.ok(!JSON.stringify(problem).includes('wrong-secret-value'));
      assert.match(response.headers.get('www-authenticate') ?? '', /^Basic/);
    }
    const wrongForm = await form('grant_type=client_credentials&Username=sandbox-client&Password=nope');
    await expectProblem(wrongForm, 401);
  });

  test('a malformed Basic header is a 401, not a crash', async () => {
    for (const value of ['Basic', 'Basic !!!', 'Basic ' + Buffer.from('no-colon').toString('base64'), 'Basic ' + Buffer.from([0xff, 0xfe, 0x3a]).toString('base64')]) {
      await expectProblem(await form('grant_type=client_credentials', { Authorization: value }), 401);
    }
  });

  test('grant_type must be client_credentials (400 naming the field)', async () => {
    for (const body of ['', 'grant_type=password', 'grant_type=']) {
      const problem = await expectProblem(await form(body, { Authorization: basic() }), 400);
      assert.match(problem.detail, /grant_type/);
      assert.ok(problem.errors?.grant_type);
    }
  });

  test('a JSON body gets 415', async () => {
    const response = await fetch(`${base}/api/v1/authorize`, {
      method: 'POST',
      headers: { Authorization: basic(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    await expectProblem(response, 415);
  });

  test('GET is 405 with Allow: POST', async () => {
    const response = await fetch(`${base}/api/v1/authorize`);
    await expectProblem(response, 405);
    assert.equal(response.headers.get('allow'), 'POST');
  });

  test('a token stops working after its lifetime', async () => {
    const token = await authorize(base);
    clock.advance(298_000);
    const live = await postJson(`${base}/api/v2/sessions`, initiateBody(), bearer(token));
    assert.equal(live.status, 201);
    const second = await authorize(base);
    clock.advance(299_000);
    const expired = await postJson(`${base}/api/v2/sessions`, initiateBody(), bearer(second));
    const problem = await expectProblem(expired, 401);
    assert.match(problem.detail, /expired/);
  });

  test('one token initiates one session; a second initiate with it is 401', async () => {
    const token = await authorize(base);
    assert.equal((await postJson(`${base}/api/v2/sessions`, initiateBody(), bearer(token))).status, 201);
    const again = await postJson(`${base}/api/v2/sessions`, initiateBody(), bearer(token));
    const problem = await expectProblem(again, 401);
    assert.match(problem.detail, /one token initiates one session/);
  });

  test('a failed initiate does not use the token up', async () => {
    const token = await authorize(base);
    await expectProblem(await postJson(`${base}/api/v2/sessions`, { type: 'EFT' }, bearer(token)), 400);
    assert.equal((await postJson(`${base}/api/v2/sessions`, initiateBody(), bearer(token))).status, 201);
  });

  test('the token stays valid for details, status and cancel of the session it created', async () => {
    const token = await authorize(base);
    const created = (await (await postJson(`${base}/api/v2/sessions`, initiateBody(), bearer(token))).json()) as { sessionId: string };
    const id = created.sessionId;
    assert.equal((await fetch(`${base}/api/v2/sessions/${id}/details`, { headers: bearer(token) })).status, 200);
    assert.equal((await fetch(`${base}/api/v2/sessions/${id}/status`, { headers: bearer(token) })).status, 200);
    assert.equal((await fetch(`${base}/api/v2/sessions/${id}/cancel`, { method: 'POST', headers: bearer(token) })).status, 200);
  });

  test('a bearer token is required on every session endpoint', async () => {
    const id = crypto.randomUUID();
    const calls = [
      postJson(`${base}/api/v2/sessions`, initiateBody()),
      fetch(`${base}/api/v2/sessions/${id}/details`),
      fetch(`${base}/api/v2/sessions/${id}/status`),
      fetch(`${base}/api/v2/sessions/${id}/cancel`, { method: 'POST' }),
      fetch(`${base}/api/v2/sessions/${id}/status`, { headers: { Authorization: 'Bearer not-a-real-token' } }),
      fetch(`${base}/api/v2/sessions/${id}/status`, { headers: { Authorization: basic() } }),
    ];
    for (const response of await Promise.all(calls)) {
      await expectProblem(response, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
    }
  });
});
