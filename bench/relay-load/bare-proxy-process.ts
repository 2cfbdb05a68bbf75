/**
 * Child process: the bare forwarding proxy the relay is measured against. A Hono app served
 * by @hono/node-server as the relay is, reading the same beacon body and making the same one
 * provider call (cancel, with a cached bearer token), answering JSON, and nothing else: no
 * token check, origin check, rate limit, ledger, retry or audit line. What the relay costs on
 * top of this is the price of its checks and its guarantees.
 *
 *   BENCH_PROVIDER_URL, BENCH_CLIENT_ID, BENCH_CLIENT_SECRET
 */
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { announceFailure, announceReady } from '../lib/child.js';

export interface BareProxyReady {
  readonly url: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

try {
  const provider = required('BENCH_PROVIDER_URL').replace(/\/$/, '');
  const basic = `Basic ${Buffer.from(`${required('BENCH_CLIENT_ID')}:${required('BENCH_CLIENT_SECRET')}`).toString('base64')}`;
  let token: Promise<string> | undefined;
  const authorize = async (): Promise<string> => {
    const response = await fetch(`${provider}/api/v1/authorize`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const cancel = async (sessionId: string, retry = true): Promise<Response> => {
    token ??= authorize();
    const response = await fetch(`${provider}/api/v2/sessions/${encodeURIComponent(sessionId)}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token}`, accept: 'application/json' },
    });
    if (response.status === 401 && retry) {
      token = undefined;
      return cancel(sessionId, false);
    }
    return response;
  };

  const app = new Hono();
  app.post('/bank-pay/cancel', async (c) => {
    const { sessionId } = JSON.parse(await c.req.text()) as { sessionId: string };
    const answer = await cancel(sessionId);
    const body = (await answer.json()) as { status?: string; statusDetails?: string };
    return c.json({ outcome: answer.ok ? 'cancelled' : 'failed', status: body.status, statusDetails: body.statusDetails }, answer.ok ? 200 : 502);
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(listening as Server));
  });
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  announceReady({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } satisfies BareProxyReady);
} catch (error) {
  announceFailure(error);
  process.exit(1);
}
