/**
 * The smaller findings, over real HTTP: one spelling per token, JSON 404/405, a status read
 * bounded by the answer window, answers without the provider's internals, no listener left
 * on the relay's long-lived shutdown signal, and a sandbox that does not call a client
 * breaking off mid-body an unexpected error.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ProviderClient } from '../../src/relay/provider/client.js';
import { verifyCancelToken } from '../../src/relay/index.js';
import { CLIENT, eventually, SHOP_ORIGIN, startHarness, type Harness } from './harness.js';

describe('answers to odd requests', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('a token whose expiry is spelled with leading zeros is refused (one spelling per token)', async () => {
    const session = await h.newSession();
    const [version, expiry, mac] = session.cancelToken.split('.') as [string, string, string];
    for (const padded of [`${version}.0${expiry}.${mac}`, `${version}.00${expiry}.${mac}`]) {
      assert.deepEqual(await verifyCancelToken(padded, session.sessionId, h.tokenKeys), { ok: false, reason: 'token is malformed' });
      assert.equal((await h.cancel(session, { token: padded })).http, 403);
    }
    assert.equal((await h.inspect(session.sessionId)).cancelCalls, 0);
    assert.equal((await verifyCancelToken(session.cancelToken, session.sessionId, h.tokenKeys)).ok, true);
  });

  test('unknown paths answer a JSON 404, known paths with the wrong method a JSON 405 with Allow', async () => {
    const id = '3f2a9c4e-8b1d-4e7a-9c2f-1a2b3c4d5e6f';
    for (const path of ['/', '/bank-pay', '/bank-pay/nothing', `/bank-pay/sessions/${id}`, '/other']) {
      const response = await fetch(`${h.relayUrl}${path}`);
      assert.equal(response.status, 404, path);
      assert.match(response.headers.get('content-type') ?? '', /application\/json/, path);
      assert.deepEqual(await response.json(), { error: 'nothing is served at this path' }, path);
    }
    const wrong: Array<[string, string, string]> = [
      ['GET', '/bank-pay/cancel', 'POST'],
      ['PUT', '/bank-pay/cancel', 'POST'],
      ['DELETE', '/bank-pay/signals', 'POST'],
      ['GET', '/bank-pay/webhooks', 'POST'],
      ['POST', `/bank-pay/sessions/${id}/status`, 'GET'],
    ];
    for (const [method, path, allow] of wrong) {
      const response = await fetch(`${h.relayUrl}${path}`, { method, headers: { origin: SHOP_ORIGIN } });
      assert.equal(response.status, 405, `${method} ${path}`);
      assert.equal(response.headers.get('allow'), allow);
      assert.match(((await response.json()) as { error: string }).error, new RegExp(`use ${allow}`));
    }
  });

  test('a page may still ask for CORS preflights (OPTIONS is not a wrong method)', async () => {
    const response = await fetch(`${h.relayUrl}/bank-pay/cancel`, {
      method: 'OPTIONS',
      headers: { origin: SHOP_ORIGIN, 'access-control-request-method': 'POST' },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
  });
});

describe('answers within the window, without provider internals', () => {
  test("the status route answers within the answer window, not the provider's own timeout", async () => {
    const h = await startHarness({ relay: { answerWithinMs: 300, providerTimeoutMs: 5000 } });
    try {
      const session = await h.newSession();
      // The provider answers, but only after the window: waiting for it would give 200.
      await h.faults({ latencyMs: 1500 });
      const response = await fetch(`${h.relayUrl}/bank-pay/sessions/${session.sessionId}/status?token=${encodeURIComponent(session.cancelToken)}`, { headers: { origin: SHOP_ORIGIN } });
      assert.equal(response.status, 502);
      const body = (await response.json()) as { error: string; correlationId: string };
      const line = h.logs.find((entry) => entry.type === 'bank-pay.status' && entry.correlationId === body.correlationId);
      assert.match(String(line?.error), /did not answer within 300 ms/);
    } finally {
      await h.clearFaults();
      await h.close();
    }
  });

  test('a provider that cannot be reached: the token holder gets a generic message and an id, the log the network error', async () => {
    const h = await startHarness({ relay: { answerWithinMs: 300, maxRetryWindowMs: 400 } });
    // A second relay pointed at a port nothing listens on.
    const dead = await startHarness({ sharedSandbox: h.sandbox, relay: { provider: { url: 'http://127.0.0.1:9', ...CLIENT }, tokenKeys: h.tokenKeys, answerWithinMs: 2000, maxRetryWindowMs: 400 } });
    try {
      const session = await h.newSession();
      const { body } = await dead.cancel(session);
      const text = JSON.stringify(body);
      assert.equal(body.outcome, 'failed');
      assert.ok(!/ECONN|HTTP \d|authorize|127\.0\.0\.1/.test(text), text);
      const correlationId = (body as { correlationId?: string }).correlationId;
      assert.ok(correlationId && body.error?.includes(correlationId));
      const line = await eventually(() => dead.auditLines(session.sessionId).find((entry) => entry.correlationId === correlationId && entry.outcome === 'failed'));
      assert.match(String(line.error), /could not reach the provider/);
    } finally {
      await dead.close();
      await h.close();
    }
  });
});

describe('the long-lived shutdown signal', () => {
  test('provider calls leave no listener and no derived signal behind on it', async () => {
    const h = await startHarness();
    try {
      const client = new ProviderClient({ credentials: { url: h.sandbox.url, ...CLIENT }, requestTimeoutMs: 2000 });
      const shutdown = new AbortController();
      const session = await h.newSession();
      for (let i = 0; i < 50; i++) await client.sessionStatus(session.sessionId, shutdown.signal);
      assert.equal(getEventListeners(shutdown.signal, 'abort').length, 0);
      // Node 20's AbortSignal.any records each derived signal on its sources, for as long as they live.
      const dependants = Object.getOwnPropertySymbols(shutdown.signal).find((symbol) => String(symbol) === 'Symbol(kDependantSignals)');
      const held = dependants ? (shutdown.signal as unknown as Record<symbol, Set<unknown> | undefined>)[dependants]?.size ?? 0 : 0;
      assert.equal(held, 0);
    } finally {
      await h.close();
    }
  });
});

describe('the sandbox and a client that breaks off mid-body', () => {
  test('is answered as a bad request, not logged as an unexpected error', async () => {
    const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'sandbox', '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    try {
      const port = Number(await eventually(() => /127\.0\.0\.1:(\d+)/.exec(out)?.[1], 30_000, 'the sandbox to listen'));
      for (const path of ['/api/v1/authorize', '/api/v2/sessions', '/sandbox/faults']) {
        await new Promise<void>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer abc\r\nContent-Length: 1000\r\n\r\n{"type":`);
            setTimeout(() => socket.destroy(), 200);
          });
          socket.on('close', () => resolve());
          socket.on('error', () => undefined);
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.doesNotMatch(err, /unexpected error/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
