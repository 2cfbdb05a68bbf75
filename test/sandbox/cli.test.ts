import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseSandboxArgs, sandboxUsage, SANDBOX_FLAGS } from '../../src/sandbox/cli-args.js';
import { eventually } from './support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/bank-pay-session.js', import.meta.url));
// The bin runs dist/cli.js when a build exists, which may predate these sources: the tests of
// the command's behaviour run the TypeScript entry itself, and only --help goes through the bin.
const sourceEntry = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

describe('parseSandboxArgs', () => {
  test('no arguments: defaults', () => {
    assert.deepEqual(parseSandboxArgs([], {}), { kind: 'run', options: {} });
  });

  test('flags, both --flag value and --flag=value', () => {
    const command = parseSandboxArgs(
      ['--port', '5000', '--host=0.0.0.0', '--client-id', 'shop', '--client-secret=s3', '--allowed-origin', 'https://a.example', '--allowed-origin=https://b.example,https://c.example', '--session-timeout', '30', '--token-lifetime', '60', '--webhook-url', 'http://127.0.0.1:9/hook', '--webhook-secret', 'w', '--retention', '0'],
      {},
    );
    assert.deepEqual(command, {
      kind: 'run',
      options: {
        port: 5000,
        host: '0.0.0.0',
        clients: [{ clientId: 'shop', clientSecret: 's3' }],
        allowedOrigins: ['https://a.example', 'https://b.example', 'https://c.example'],
        sessionTimeoutMs: 30_000,
        tokenLifetimeSeconds: 60,
        webhookUrl: 'http://127.0.0.1:9/hook',
        webhookSecret: 'w',
        retentionMs: 0,
      },
    });
  });

  test('environment variables, and flags win over them', () => {
    const env = { PORT: '4999', BPS_SANDBOX_CLIENT_SECRET: 'from-env', BPS_SANDBOX_ALLOWED_ORIGINS: 'https://x.example, https://y.example', BPS_SANDBOX_HOST: '' };
    assert.deepEqual(parseSandboxArgs([], env), {
      kind: 'run',
      options: { port: 4999, clients: [{ clientId: 'sandbox-client', clientSecret: 'from-env' }], allowedOrigins: ['https://x.example', 'https://y.example'] },
    });
    const overridden = parseSandboxArgs(['--port', '1234'], env);
    assert.equal(overridden.kind === 'run' && overridden.options.port, 1234);
  });

  test('help', () => {
    assert.deepEqual(parseSandboxArgs(['--help'], {}), { kind: 'help' });
    assert.deepEqual(parseSandboxArgs(['--port', '1', '-h'], {}), { kind: 'help' });
  });

  test('errors name the option', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--nope'], /unknown option "--nope"/],
      [['--port'], /--port needs a value/],
      [['--port', '--host'], /--port needs a value/],
      [['--port', 'abc'], /--port must be a whole number/],
      [['--port', '70000'], /--port must be a whole number from 0 to 65535/],
      [['--session-timeout', '0'], /--session-timeout must be a whole number from 1/],
      [['--token-lifetime', '1.5'], /--token-lifetime/],
    ];
    for (const [args, message] of cases) {
      const command = parseSandboxArgs(args, {});
      assert.equal(command.kind, 'error', args.join(' '));
      assert.match(command.kind === 'error' ? command.message : '', message);
    }
  });

  test('the usage lists every option with its variable', () => {
    const usage = sandboxUsage();
    for (const spec of SANDBOX_FLAGS) {
      assert.ok(usage.includes(spec.flag), spec.flag);
      if (spec.env) assert.ok(usage.includes(spec.env), spec.env);
    }
    assert.ok(usage.includes('--help'));
  });
});

function run(args: string[], env: Record<string, string> = {}, through: 'source' | 'bin' = 'source') {
  const entry = through === 'bin' ? [bin] : ['--import', 'tsx', sourceEntry];
  const child = spawn(process.execPath, [...entry, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe('bank-pay-session sandbox (the real command)', () => {
  test('--help prints the options and exits 0, through the bin and from source', async () => {
    for (const through of ['bin', 'source'] as const) {
      const cli = run(['sandbox', '--help'], {}, through);
      assert.equal(await cli.exited, 0, through);
      assert.match(cli.out(), /Usage: bank-pay-session sandbox/);
      assert.match(cli.out(), /--port/);
    }
  });

  test('a bad option exits 2 with the reason', async () => {
    const cli = run(['sandbox', '--port', 'x']);
    assert.equal(await cli.exited, 2);
    assert.match(cli.err(), /--port must be a whole number/);
  });

  test('a bad allowed origin exits 1 with the reason', async () => {
    const cli = run(['sandbox', '--port', '0', '--allowed-origin', 'https://shop.example/checkout']);
    assert.equal(await cli.exited, 1);
    assert.match(cli.err(), /must be an origin only/);
  });

  test('starts on PORT, prints its URLs and the demo credentials, serves the API, stops on SIGTERM', async () => {
    const cli = run(['sandbox'], { PORT: '0' });
    try {
      const url = await eventually(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.out())?.[1], 15_000, 'the start banner');
      assert.match(cli.out(), /client id\s+sandbox-client/);
      assert.match(cli.out(), /client secret\s+sandbox-secret/);
      assert.match(cli.out(), new RegExp(`${url}/app/\\?sessionId=`));
      const response = await fetch(`${url}/api/v1/authorize`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&Username=sandbox-client&Password=sandbox-secret',
      });
      assert.equal(response.status, 200);
    } finally {
      cli.child.kill('SIGTERM');
    }
    assert.equal(await cli.exited, 0);
  });

  test('a secret that is not the public default is never printed', async () => {
    const cli = run(['sandbox'], { PORT: '0', BPS_SANDBOX_CLIENT_SECRET: 'very-private-value', BPS_SANDBOX_WEBHOOK_SECRET: 'hook-private', BPS_SANDBOX_WEBHOOK_URL: 'http://127.0.0.1:9/hook' });
    try {
      await eventually(() => (/Press Ctrl\+C/.test(cli.out()) ? true : undefined), 15_000, 'the start banner');
      assert.ok(!cli.out().includes('very-private-value'));
      assert.ok(!cli.out().includes('hook-private'));
      assert.match(cli.out(), /not shown/);
    } finally {
      cli.child.kill('SIGTERM');
    }
    await cli.exited;
  });
});
