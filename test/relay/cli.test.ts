/** `bank-pay-session relay` as a process: env configuration, serving, SIGTERM drain. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { createSession } from '../../src/relay/index.js';
import { CLIENT, EFT_REQUEST, eventually, randomKey, SHOP_ORIGIN } from './harness.js';
import { startRedisServer } from './redis-server.js';

// The source entry, through tsx: bin/ prefers a built dist/ when one exists, which may be stale.
const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

function runCli(args: string[], env: Record<string, string>): RunningCli {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'relay', ...args], {
    // Only what the relay needs: no BPS_* from the developer's shell leaks in.
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/**
 * A pass-through in front of the sandbox that notes each request as it arrives, so the test
 * knows when the relay process is really talking to the provider.
 */
async function startWatchingProxy(target: string): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server: Server = createServer(async (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name !== 'host' && name !== 'connection')) as Record<string, string>;
    const upstream = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers,
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    res.writeHead(upstream.status, Object.fromEntries(upstream.headers));
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('bank-pay-session relay', () => {
  let sandbox: RunningSandbox;
  const key = randomKey();
  let env: Record<string, string>;
  before(async () => {
    sandbox = await startSandbox({ port: 0, clients: [CLIENT] });
    env = {
      BPS_PROVIDER_URL: sandbox.url,
      BPS_CLIENT_ID: CLIENT.clientId,
      BPS_CLIENT_SECRET: CLIENT.clientSecret,
      BPS_TOKEN_KEYS: key,
      BPS_ALLOWED_ORIGINS: SHOP_ORIGIN,
    };
  });
  after(() => sandbox.close());

  test('refuses to start without its settings, naming them and no secret', async () => {
    const cli = runCli(['--port', '0'], { BPS_CLIENT_SECRET: 'leaky-secret-value', BPS_TOKEN_KEYS: 'weak-key-value' });
    assert.equal(await cli.exited, 1);
    const text = cli.stderr();
    assert.match(text, /refusing to start/);
    for (const name of ['BPS_PROVIDER_URL', 'BPS_CLIENT_ID', 'BPS_ALLOWED_ORIGINS', 'BPS_TOKEN_KEYS: key 1']) assert.ok(text.includes(name), name);
    assert.ok(!text.includes('leaky-secret-value') && !text.includes('weak-key-value'));
  });

  test('a Redis for the lease ledger that cannot be reached stops the start, without the password of its URL', async () => {
    const cli = runCli(['--port', '0'], { ...env, BPS_REDIS_URL: 'redis://relay:hunter2@127.0.0.1:1' });
    assert.equal(await cli.exited, 1);
    assert.match(cli.stderr(), /refusing to start\.\ncould not connect to Redis for the lease ledger/);
    assert.ok(!cli.stderr().includes('hunter2') && !cli.stdout().includes('hunter2'));
  });

  test('with BPS_REDIS_URL, the lease ledger lives in Redis', async (t) => {
    const redis = await startRedisServer();
    if ('skip' in redis) return t.skip(redis.skip);
    const cli = runCli(['--port', '0', '--host', '127.0.0.1'], { ...env, BPS_REDIS_URL: redis.url });
    try {
      await eventually(() => (/listening on/.test(cli.stdout()) ? true : undefined), 15_000, 'the relay to listen');
      assert.match(cli.stdout(), /lease ledger in Redis\)/);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
      await redis.stop();
    }
  });

  test('--help prints the settings; a bad option exits 2', async () => {
    const help = runCli(['--help'], {});
    assert.equal(await help.exited, 0);
    assert.match(help.stdout(), /BPS_TOKEN_KEYS/);
    assert.match(help.stdout(), /BPS_REDIS_URL/);
    const bad = runCli(['--bogus'], {});
    assert.equal(await bad.exited, 2);
    assert.match(bad.stderr(), /unknown option "--bogus"/);
  });

  test('serves cancels and, on SIGTERM, finishes the provider call in flight before exiting', async () => {
    const proxy = await startWatchingProxy(sandbox.url);
    const cli = runCli(['--port', '0', '--host', '127.0.0.1'], { ...env, BPS_PROVIDER_URL: proxy.url });
    try {
      const url = await eventually(() => /listening on (http:\/\/[^\s/]+)/.exec(cli.stdout())?.[1], 15_000, 'the relay to listen');
      assert.ok(!cli.stdout().includes(CLIENT.clientSecret));
      const session = await createSession({ provider: { url: sandbox.url, ...CLIENT }, tokenKey: key, request: EFT_REQUEST });
      // The provider is slow, so the cancel is still in flight when SIGTERM arrives.
      await fetch(`${sandbox.url}/sandbox/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ latencyMs: 800 }),
      });
      const answer = fetch(`${url}/bank-pay/cancel`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: SHOP_ORIGIN },
        body: JSON.stringify({ sessionId: session.sessionId, token: session.cancelToken, reason: 'page-unload' }),
      });
      const cancelPath = `POST /api/v2/sessions/${session.sessionId}/cancel`;
      await eventually(() => (proxy.seen.includes(cancelPath) ? true : undefined), 15_000, 'the relay to call cancel');
      cli.child.kill('SIGTERM');
      const response = await answer;
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { outcome: string }).outcome, 'cancelled');
      assert.equal(await cli.exited, 0);
      const lines = cli
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      assert.deepEqual(
        lines.map((line) => line.type),
        ['bank-pay.cancel-accepted', 'bank-pay.shutdown', 'bank-pay.cancel', 'bank-pay.stopped'],
      );
      assert.equal(lines[2]!.outcome, 'cancelled');
      assert.equal(lines[0]!.correlationId, lines[2]!.correlationId);
      assert.ok(!cli.stdout().includes(session.cancelToken));
    } finally {
      await fetch(`${sandbox.url}/sandbox/faults`, { method: 'DELETE' });
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
      await proxy.close();
    }
  });
});
