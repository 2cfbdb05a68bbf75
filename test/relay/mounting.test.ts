/**
 * The README's integration patterns, run for real: the relay mounted in a merchant's own Hono
 * app next to a session route (served on Node), and the relay called as a Workers-style fetch
 * handler whose background work goes to `ctx.waitUntil`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { createRelay, createSession, relayOptionsFromEnv } from '../../src/relay/index.js';
import { serveRelay } from '../../src/relay/node.js';
import { CLIENT, randomKey, SHOP_ORIGIN } from './harness.js';

describe('mounting the relay', () => {
  let sandbox: RunningSandbox;
  let env: Record<string, string>;
  before(async () => {
    sandbox = await startSandbox({ port: 0, clients: [CLIENT] });
    env = {
      BPS_PROVIDER_URL: sandbox.url,
      BPS_CLIENT_ID: CLIENT.clientId,
      BPS_CLIENT_SECRET: CLIENT.clientSecret,
      BPS_TOKEN_KEYS: randomKey(),
      BPS_ALLOWED_ORIGINS: SHOP_ORIGIN,
    };
  });
  after(() => sandbox.close());

  test('inside a merchant Hono app with its own session route, served on Node', async () => {
    const options = relayOptionsFromEnv(env);
    const lines: Array<Record<string, unknown>> = [];
    const relay = createRelay({ ...options, log: (line) => lines.push(line) });
    const app = new Hono();
    app.post('/checkout/session', async (c) => {
      const session = await createSession({
        provider: options.provider,
        tokenKey: options.tokenKeys[0]!,
        request: {
          type: 'EFT',
          direction: 'DEBIT',
          referenceId: 'order-2002',
          amount: 129.99,
          payor: { firstName: 'Alex', lastName: 'Tremblay' },
        },
      });
      return c.json({
        ...session,
        cancelUrl: '/bank-pay/cancel',
        statusUrl: `/bank-pay/sessions/${session.sessionId}/status?token=${encodeURIComponent(session.cancelToken)}`,
      });
    });
    app.route('/', relay);
    const served = await serveRelay(app, { port: 0, host: '127.0.0.1', relay });
    try {
      const page = (await (await fetch(`${served.url}/checkout/session`, { method: 'POST' })).json()) as {
        sessionId: string;
        cancelToken: string;
        cancelUrl: string;
        statusUrl: string;
      };
      const status = await fetch(`${served.url}${page.statusUrl}`, { headers: { origin: SHOP_ORIGIN } });
      assert.deepEqual(await status.json(), { status: 'Initiated', providerStatus: 'Initiated', statusDetails: 'EFT0101' });
      const cancel = await fetch(`${served.url}${page.cancelUrl}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8', origin: SHOP_ORIGIN },
        body: JSON.stringify({ sessionId: page.sessionId, token: page.cancelToken, reason: 'close-button' }),
      });
      assert.equal(((await cancel.json()) as { outcome: string }).outcome, 'cancelled');
      assert.equal(lines.filter((line) => line.type === 'bank-pay.cancel').length, 1);
    } finally {
      assert.deepEqual(await served.close(), { settled: 0, abandoned: 0 });
    }
  });

  test('as a Workers-style fetch handler: background work is handed to ctx.waitUntil', async () => {
    const options = relayOptionsFromEnv(env);
    const lines: Array<Record<string, unknown>> = [];
    const relay = createRelay({ ...options, log: (line) => lines.push(line) });
    const session = await createSession({
      provider: options.provider,
      tokenKey: options.tokenKeys[0]!,
      request: { type: 'e-Transfer', direction: 'DEBIT', referenceId: 'order-3003', payor: { firstName: 'Sam', lastName: 'Roy' } },
    });
    const waited: Array<Promise<unknown>> = [];
    const ctx = { waitUntil: (promise: Promise<unknown>) => void waited.push(promise), passThroughOnException: () => undefined, props: {} };
    const request = new Request('https://shop.example/bank-pay/cancel', {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: SHOP_ORIGIN },
      body: JSON.stringify({ sessionId: session.sessionId, token: session.cancelToken, reason: 'page-unload' }),
    });
    const response = await relay.fetch(request, {}, ctx);
    assert.equal(((await response.json()) as { outcome: string }).outcome, 'cancelled');
    assert.equal(waited.length, 1, 'the audit/retry work was handed to waitUntil');
    await Promise.all(waited);
    assert.equal(lines.filter((line) => line.type === 'bank-pay.cancel').length, 1);
  });
});
