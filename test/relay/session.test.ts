/** createSession against the sandbox: what the page gets, and how failures surface. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { createSession, ProviderError, verifyCancelToken } from '../../src/relay/index.js';
import { CLIENT, EFT_REQUEST, randomKey } from './harness.js';

describe('createSession', () => {
  let sandbox: RunningSandbox;
  const key = randomKey();
  before(async () => {
    sandbox = await startSandbox({ port: 0, clients: [CLIENT] });
  });
  after(() => sandbox.close());

  test('initiates at the provider and returns what the element needs', async () => {
    const before = Date.now();
    const session = await createSession({ provider: { url: sandbox.url, ...CLIENT }, tokenKey: key, request: EFT_REQUEST });
    assert.deepEqual(Object.keys(session).sort(), ['cancelToken', 'expiresAt', 'referenceId', 'sessionId', 'url']);
    assert.equal(session.referenceId, 'order-1001');
    assert.equal(session.url, `${sandbox.url}/app/?sessionId=${session.sessionId}`);
    const expiresAt = Date.parse(session.expiresAt);
    assert.ok(expiresAt >= before + 15 * 60_000 && expiresAt <= Date.now() + 15 * 60_000, 'expires with the 15-minute default');
    assert.deepEqual(await verifyCancelToken(session.cancelToken, session.sessionId, [key]), { ok: true, expiresAt });
    const status = await fetch(`${sandbox.url}/sandbox/sessions/${session.sessionId}`).then((r) => r.json() as Promise<{ session: { status: string } }>);
    assert.equal(status.session.status, 'Initiated');
  });

  test('session timeout and hosted-flow URL are configurable', async () => {
    const session = await createSession({
      provider: { url: sandbox.url, ...CLIENT },
      tokenKey: key,
      request: EFT_REQUEST,
      sessionTimeoutMs: 60_000,
      hostedFlowUrl: (id) => `https://pay.example/app/?sessionId=${id}&lang=fr`,
    });
    assert.equal(session.url, `https://pay.example/app/?sessionId=${session.sessionId}&lang=fr`);
    assert.ok(Date.parse(session.expiresAt) <= Date.now() + 60_000);
  });

  test('each session is initiated with a fresh access token (one token initiates one session)', async () => {
    const seen: string[] = [];
    const counting: typeof fetch = (input, init) => {
      seen.push(`${init?.method} ${new URL(String(input)).pathname}`);
      return fetch(input, init);
    };
    for (let i = 0; i < 2; i++) {
      await createSession({ provider: { url: sandbox.url, ...CLIENT }, tokenKey: key, request: EFT_REQUEST, fetch: counting });
    }
    assert.deepEqual(seen, ['POST /api/v1/authorize', 'POST /api/v2/sessions', 'POST /api/v1/authorize', 'POST /api/v2/sessions']);
  });

  test('a request the provider refuses is a ProviderError naming the problem', async () => {
    await assert.rejects(
      createSession({ provider: { url: sandbox.url, ...CLIENT }, tokenKey: key, request: { ...EFT_REQUEST, amount: 0 } }),
      (error: unknown) => {
        assert.ok(error instanceof ProviderError);
        assert.equal(error.httpStatus, 400);
        assert.match(error.message, /HTTP 400/);
        return true;
      },
    );
  });

  test('wrong credentials are reported without the secret', async () => {
    const secret = 'definitely-wrong-secret';
    await assert.rejects(
      createSession({ provider: { url: sandbox.url, clientId: CLIENT.clientId, clientSecret: secret }, tokenKey: key, request: EFT_REQUEST }),
      (error: unknown) => {
        assert.ok(error instanceof ProviderError);
        assert.match(error.message, /refused the client credentials/);
        assert.ok(!error.message.includes(secret));
        return true;
      },
    );
  });

  test('a weak key or bad URL fails before anything is sent to the provider', async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls += 1;
      return fetch(input, init);
    };
    const provider = { url: sandbox.url, ...CLIENT };
    await assert.rejects(createSession({ provider, tokenKey: 'too-short', request: EFT_REQUEST, fetch: counting }), /tokenKey is 9 bytes/);
    await assert.rejects(
      createSession({ provider: { ...provider, url: 'http://example.com' }, tokenKey: key, request: EFT_REQUEST, fetch: counting }),
      /https/,
    );
    assert.equal(calls, 0);
  });

  test('an access token that could not travel in a header is refused, and no error quotes it', async () => {
    // A provider (or something posing as one) that answers the authorize call with a token
    // fetch would refuse to send: its message would quote the whole Authorization header.
    const leaked = 'tok-SECRET-VALUE\nX-Injected: 1';
    const server = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(request.url === '/api/v1/authorize' ? JSON.stringify({ access_token: leaked, expires_in: 60 }) : '{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await assert.rejects(createSession({ provider: { url: `http://127.0.0.1:${port}`, ...CLIENT }, tokenKey: key, request: EFT_REQUEST }), (error: unknown) => {
        assert.ok(error instanceof ProviderError, String(error));
        assert.match(error.message, /without an access token/);
        assert.doesNotMatch(`${error.message} ${String(error.cause ?? '')}`, /SECRET/);
        return true;
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('an unreachable provider is a transient ProviderError', async () => {
    const closed = await startSandbox({ port: 0 });
    const url = closed.url;
    await closed.close();
    await assert.rejects(
      createSession({ provider: { url, ...CLIENT }, tokenKey: key, request: EFT_REQUEST }),
      (error: unknown) => error instanceof ProviderError && error.transient && /could not reach the provider/.test(error.message),
    );
  });
});
