/**
 * The relay from the packed package, served by each runtime merchants run it on (this
 * machine's Node, the other Node versions of the supported range, Bun, Deno): a real cancel
 * goes from a beacon-shaped request through that runtime to the sandbox, which records it.
 * Each runtime also meets a provider URL that redirects, which must be refused, not followed.
 * Cloudflare's workerd has its own file (workers-example.test.ts).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { createSession } from '../../src/relay/index.js';
import type { CancelResponse } from '../../src/protocol/cancel-request.js';
import { CLIENT, EFT_REQUEST, eventually, randomKey, SHOP_ORIGIN, type SandboxSessionView } from '../relay/harness.js';
import { runOrThrow } from '../package/processes.js';
import { installInto, packPackage } from './consumer.js';
import { startProcess, type RunningProcess } from '../examples/support.js';
import { ensureRuntime, OTHER_NODES, quietEnv, RUNTIMES, runtimeRequested, type RuntimeName } from './runtimes.mjs';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface Target {
  /** For BPS_RUNTIMES; `node` is this machine's. */
  readonly name: RuntimeName | 'node';
  readonly label: string;
  /** The binary and the arguments before the script. */
  command(): Promise<{ bin: string; args: string[]; version: string }>;
  readonly isNode: boolean;
}

const installed = (name: RuntimeName, args: string[] = []) => async () => {
  const runtime = await ensureRuntime(name);
  return { bin: runtime.bin, args, version: runtime.version };
};

const TARGETS: Target[] = [
  {
    name: 'node',
    label: `Node ${process.versions.node} (this machine)`,
    command: async () => ({ bin: process.execPath, args: [], version: process.versions.node }),
    isNode: true,
  },
  ...OTHER_NODES.map((name): Target => ({ name, label: `${RUNTIMES[name].label} (${RUNTIMES[name].version})`, command: installed(name), isNode: true })),
  { name: 'bun', label: `Bun ${RUNTIMES.bun.version}`, command: installed('bun'), isNode: false },
  {
    name: 'deno',
    label: `Deno ${RUNTIMES.deno.version}`,
    // Network for the servers, env for BPS_*, read for node_modules; nothing else.
    command: installed('deno', ['run', '--allow-net=127.0.0.1', '--allow-env', '--allow-read']),
    isNode: false,
  },
];

/** The JSON objects among a process's output lines that have this key. */
function jsonLinesWith<T extends object>(output: string, key: string): T[] {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      const value = JSON.parse(line) as Record<string, unknown>;
      return key in value ? [value as T] : [];
    } catch {
      return [];
    }
  });
}

interface Ready {
  readonly url: string;
  readonly runtime: string;
  readonly version: string;
  readonly redirect: { name?: string; message?: string; transient?: boolean; httpStatus?: number; followed?: boolean };
}

/** A loopback HTTP server. */
async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let scratch: string;
let consumer: string;
let sandbox: RunningSandbox;
let redirector: { server: Server; url: string };
let redirectTarget: { server: Server; url: string };
let followedRedirects = 0;

describe('the relay on each runtime, a cancel reaching the sandbox', () => {
  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'bank-pay-session-runtimes-'));
    const tarball = await packPackage(scratch);
    consumer = join(scratch, 'merchant');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'merchant-relay', private: true, type: 'module' }));
    await installInto(consumer, [tarball]);
    copyFileSync(join(fixtures, 'serve-relay.mjs'), join(consumer, 'serve-relay.mjs'));
    copyFileSync(join(fixtures, 'require-relay.cjs'), join(consumer, 'require-relay.cjs'));
    sandbox = await startSandbox({ port: 0, clients: [CLIENT], allowedOrigins: [SHOP_ORIGIN] });
    redirectTarget = await listen((_request, response) => {
      followedRedirects += 1;
      response.end('{}');
    });
    // A provider URL that answers everything with a 307 to the target.
    redirector = await listen((request, response) => {
      response.writeHead(307, { location: `${redirectTarget.url}${request.url}` }).end();
    });
  });

  after(async () => {
    await sandbox?.close();
    redirector?.server.close();
    redirectTarget?.server.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  for (const target of TARGETS) {
    const skip = runtimeRequested(target.name) ? false : `not in BPS_RUNTIMES=${process.env.BPS_RUNTIMES}`;
    test(target.label, { skip }, async (t) => {
      const { bin, args, version } = await target.command();
      const tokenKey = randomKey();
      let server: RunningProcess | undefined;
      try {
        server = await startProcess(bin, [...args, 'serve-relay.mjs'], {
          cwd: consumer,
          env: {
            ...process.env,
            ...quietEnv(scratch),
            BPS_PROVIDER_URL: sandbox.url,
            BPS_CLIENT_ID: CLIENT.clientId,
            BPS_CLIENT_SECRET: CLIENT.clientSecret,
            BPS_TOKEN_KEYS: tokenKey,
            BPS_ALLOWED_ORIGINS: SHOP_ORIGIN,
            BPS_TEST_REDIRECTING_PROVIDER: redirector.url,
          },
          ready: /^\{"url"/m,
          timeoutMs: 60_000,
        });
        const [ready] = jsonLinesWith<Ready>(server.output(), 'url');
        assert.ok(ready, server.output());
        assert.equal(ready.version, version, `${bin} runs ${ready.runtime} ${ready.version}`);

        await t.test('a provider URL that redirects is refused, never followed', () => {
          assert.equal(ready.redirect.name, 'ProviderError', JSON.stringify(ready.redirect));
          assert.match(ready.redirect.message ?? '', /redirect \(HTTP 307\).*check the provider URL/);
          assert.equal(ready.redirect.transient, false);
          assert.equal(followedRedirects, 0, 'the redirect target was never asked');
        });

        await t.test('a beacon-shaped cancel cancels the session at the sandbox', async () => {
          const session = await createSession({ provider: { url: sandbox.url, ...CLIENT }, tokenKey, request: { ...EFT_REQUEST, referenceId: `order-${crypto.randomUUID().slice(0, 8)}` } });
          const started = performance.now();
          const response = await fetch(`${ready.url}/bank-pay/cancel`, {
            method: 'POST',
            headers: { origin: SHOP_ORIGIN, 'content-type': 'text/plain;charset=UTF-8' },
            body: JSON.stringify({ sessionId: session.sessionId, token: session.cancelToken, reason: 'page-unload' }),
          });
          const answer = (await response.json()) as CancelResponse;
          t.diagnostic(`${target.label}: cancel answered in ${Math.round(performance.now() - started)} ms`);
          assert.equal(response.status, 200, JSON.stringify(answer));
          assert.equal(answer.outcome, 'cancelled');

          const view = (await (await fetch(`${sandbox.url}/sandbox/sessions/${session.sessionId}`)).json()) as SandboxSessionView;
          assert.equal(view.session.status, 'Cancelled');
          assert.equal(view.cancelCalls, 1);

          const status = await fetch(`${ready.url}/bank-pay/sessions/${session.sessionId}/status?token=${encodeURIComponent(session.cancelToken)}`, {
            headers: { origin: SHOP_ORIGIN },
          });
          assert.equal(((await status.json()) as { status: string }).status, 'Cancelled');

          const audit = await eventually(
            () => jsonLinesWith<{ type: string; sessionId: string; outcome: string }>(server!.output(), 'type')
              .find((line) => line.type === 'bank-pay.cancel' && line.sessionId === session.sessionId),
            5000,
            'the audit line',
          );
          assert.equal(audit.outcome, 'cancelled');
        });

        if (target.isNode) {
          await t.test('a CommonJS project loads the server entries with require()', async () => {
            const { stdout } = await runOrThrow(bin, ['require-relay.cjs'], { cwd: consumer });
            assert.deepEqual(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}'), {
              createRelay: 'function',
              createSession: 'function',
              serveRelay: 'function',
            });
          });
        }
      } finally {
        await server?.stop();
      }
    });
  }
});
