import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, SandboxOptionError, startSandbox } from '../../src/sandbox/index.js';
import { resolveSandboxConfig } from '../../src/sandbox/options.js';
import { decideFault, NO_FAULTS, type Faults } from '../../src/sandbox/faults.js';

describe('options', () => {
  test('defaults', () => {
    const config = resolveSandboxConfig();
    assert.deepEqual(config.clients, [{ clientId: 'sandbox-client', clientSecret: 'sandbox-secret' }]);
    assert.equal(config.sessionTimeoutMs, 15 * 60_000);
    assert.equal(config.tokenLifetimeSeconds, 299);
    assert.deepEqual(config.allowedOrigins, ['http://localhost:5173']);
    assert.equal(config.webhookUrl, undefined);
  });

  test('bad options throw a SandboxOptionError naming the option, never a secret', () => {
    const cases: Array<[Parameters<typeof resolveSandboxConfig>[0], RegExp]> = [
      [{ allowedOrigins: ['https://shop.example/path'] }, /must be an origin only/],
      [{ allowedOrigins: ['ftp://shop.example'] }, /http or https/],
      [{ allowedOrigins: ['not a url'] }, /not a URL/],
      [{ allowedOrigins: [] }, /at least one origin/],
      [{ clients: [] }, /at least one client/],
      [{ clients: [{ clientId: 'a:b', clientSecret: 'x' }] }, /clientId/],
      [{ clients: [{ clientId: 'a', clientSecret: '' }] }, /clientSecret/],
      [{ clients: [{ clientId: 'a', clientSecret: 'top-secret-1' }, { clientId: 'a', clientSecret: 'top-secret-2' }] }, /listed twice/],
      [{ sessionTimeoutMs: 0 }, /sessionTimeoutMs/],
      [{ tokenLifetimeSeconds: 1.5 }, /tokenLifetimeSeconds/],
      [{ webhookUrl: 'nope' }, /webhookUrl/],
      [{ webhookSecret: '' }, /webhookSecret/],
    ];
    for (const [options, message] of cases) {
      assert.throws(
        () => resolveSandboxConfig(options),
        (error: unknown) => error instanceof SandboxOptionError && message.test(error.message) && !/top-secret/.test(error.message),
        JSON.stringify(options),
      );
    }
  });

  test('an origin with a trailing slash is normalized', () => {
    assert.deepEqual(resolveSandboxConfig({ allowedOrigins: ['https://shop.example/'] }).allowedOrigins, ['https://shop.example']);
  });

  test('startSandbox rejects a bad port and a port in use', async () => {
    await assert.rejects(startSandbox({ port: -1 }), /port must be an integer/);
    const first = await startSandbox({ port: 0 });
    try {
      await assert.rejects(startSandbox({ port: first.port }), /already in use/);
    } finally {
      await first.close();
    }
  });
});

describe('createSandbox without a server', () => {
  test('app.fetch is a Web-standard handler', async () => {
    const sandbox = createSandbox();
    try {
      const response = await sandbox.app.fetch(
        new Request('http://sandbox.test/api/v1/authorize', {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials&Username=sandbox-client&Password=sandbox-secret',
        }),
      );
      assert.equal(response.status, 200);
    } finally {
      sandbox.close();
      sandbox.close();
    }
  });

  test('two sandboxes share nothing', async () => {
    const a = createSandbox();
    const b = createSandbox();
    try {
      await a.app.fetch(new Request('http://a.test/sandbox/faults', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"failNext":5}' }));
      assert.equal(((await (await b.app.fetch(new Request('http://b.test/sandbox/faults'))).json()) as { failNext: number }).failNext, 0);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('decideFault', () => {
  test('rate limits first, then failures, then the random rate', () => {
    let faults: Faults = { ...NO_FAULTS, rateLimitNext: 1, failNext: 1, errorRate: 0.5, errorStatus: 500 };
    const kinds: string[] = [];
    for (const random of [0.9, 0.9, 0.4, 0.6]) {
      const { decision, next } = decideFault(faults, () => random);
      kinds.push(decision.kind === 'error' ? `error ${decision.status}` : decision.kind);
      faults = next;
    }
    assert.deepEqual(kinds, ['rate-limit', 'error 500', 'error 500', 'pass']);
  });
});
