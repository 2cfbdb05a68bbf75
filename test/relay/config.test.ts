/** Configuration from the environment and from code: refuse missing or weak settings clearly. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRelay, RelayConfigError, relayOptionsFromEnv, type RelayOptions } from '../../src/relay/index.js';
import { parseRelayArgs } from '../../src/relay/cli.js';

const KEY_1 = 'k1-4f9b2c7d1e8a3f6b0c5d9e2a7f4b1c8d';
const KEY_2 = 'k2-Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4';
const GOOD_ENV = {
  BPS_PROVIDER_URL: 'https://payments-uat.flinksapp.com',
  BPS_CLIENT_ID: 'merchant-client',
  BPS_CLIENT_SECRET: 'very-secret-client-secret',
  BPS_TOKEN_KEYS: `${KEY_1}, ${KEY_2}`,
  BPS_ALLOWED_ORIGINS: 'https://shop.example, https://www.shop.example/',
  BPS_WEBHOOK_SECRET: 'whsec-abc',
};

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof RelayConfigError, `expected RelayConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected a configuration error');
}

describe('relayOptionsFromEnv', () => {
  test('reads every setting; the first key signs', () => {
    const options = relayOptionsFromEnv(GOOD_ENV);
    assert.deepEqual(options, {
      provider: { url: 'https://payments-uat.flinksapp.com', clientId: 'merchant-client', clientSecret: 'very-secret-client-secret' },
      tokenKeys: [KEY_1, KEY_2],
      allowedOrigins: ['https://shop.example', 'https://www.shop.example/'],
      webhookSecret: 'whsec-abc',
    });
    assert.equal(typeof createRelay(options).fetch, 'function');
  });

  test('optional settings: base path and client IP header', () => {
    const options = relayOptionsFromEnv({ ...GOOD_ENV, BPS_BASE_PATH: '/pay', BPS_CLIENT_IP_HEADER: 'cf-connecting-ip', BPS_WEBHOOK_SECRET: '' });
    assert.equal(options.basePath, '/pay');
    assert.equal(options.clientIpHeader, 'cf-connecting-ip');
    assert.equal(options.webhookSecret, undefined);
  });

  test('lease settings: BPS_LEASE_SECONDS and the others, whole numbers, checked by the relay\'s own rules', () => {
    assert.deepEqual(relayOptionsFromEnv({ ...GOOD_ENV, BPS_LEASE_SECONDS: '5', BPS_INTENT_GRACE_MS: '4500' }).leases, { leaseMs: 5000, intentGraceMs: 4500 });
    assert.deepEqual(relayOptionsFromEnv({ ...GOOD_ENV, BPS_AWAY_SECONDS: '900', BPS_MAX_SESSION_AGE_SECONDS: '3600' }).leases, { awayMs: 900_000, maxSessionAgeMs: 3_600_000 });
    assert.equal(relayOptionsFromEnv(GOOD_ENV).leases, undefined, 'the relay default applies');
    assert.match(problemsOf(() => relayOptionsFromEnv({ ...GOOD_ENV, BPS_LEASE_SECONDS: '1m' }))[0]!, /^BPS_LEASE_SECONDS must be a whole number of seconds/);
    assert.match(problemsOf(() => relayOptionsFromEnv({ ...GOOD_ENV, BPS_INTENT_GRACE_MS: '500' }))[0]!, /^BPS_INTENT_GRACE_MS must be at least 2000/);
    assert.match(problemsOf(() => relayOptionsFromEnv({ ...GOOD_ENV, BPS_LEASE_SECONDS: '60', BPS_AWAY_SECONDS: '30' }))[0]!, /^BPS_AWAY_SECONDS must be at least leases\.leaseMs/);
  });

  test('an empty environment names every required variable at once', () => {
    const problems = problemsOf(() => relayOptionsFromEnv({}));
    for (const name of ['BPS_PROVIDER_URL', 'BPS_CLIENT_ID', 'BPS_CLIENT_SECRET', 'BPS_TOKEN_KEYS', 'BPS_ALLOWED_ORIGINS']) {
      assert.ok(problems.some((problem) => problem.startsWith(name)), `${name} not reported`);
    }
    assert.ok(!problems.some((problem) => problem.startsWith('BPS_WEBHOOK_SECRET')), 'the webhook secret is optional');
  });

  test('a weak key is named by position, never by value', () => {
    const weak = 'short-but-secret';
    let error: unknown;
    try {
      relayOptionsFromEnv({ ...GOOD_ENV, BPS_TOKEN_KEYS: `${KEY_1},${weak},${'a'.repeat(40)}` });
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof RelayConfigError);
    assert.match(error.message, /BPS_TOKEN_KEYS: key 2 is 16 bytes long; at least 32 are needed/);
    assert.match(error.message, /BPS_TOKEN_KEYS: key 3 uses fewer than 8 distinct characters/);
    assert.ok(!error.message.includes(weak));
    assert.ok(!error.message.includes(GOOD_ENV.BPS_CLIENT_SECRET));
  });

  test('provider URLs must be https, except the loopback sandbox', () => {
    assert.match(problemsOf(() => relayOptionsFromEnv({ ...GOOD_ENV, BPS_PROVIDER_URL: 'http://payments.example' }))[0]!, /https/);
    assert.match(problemsOf(() => relayOptionsFromEnv({ ...GOOD_ENV, BPS_PROVIDER_URL: 'not a url' }))[0]!, /not a URL/);
    assert.match(
      problemsOf(() => relayOptionsFromEnv({ ...GOOD_ENV, BPS_PROVIDER_URL: 'https://user:pw@payments.example' }))[0]!,
      /credentials/,
    );
    for (const url of ['http://localhost:4010', 'http://127.0.0.1:4010', 'http://[::1]:4010']) {
      assert.equal(relayOptionsFromEnv({ ...GOOD_ENV, BPS_PROVIDER_URL: url }).provider.url, url);
    }
  });

  test('allowed origins must be exact origins', () => {
    for (const origins of ['*', 'https://shop.example/checkout', 'shop.example', 'ftp://shop.example', 'https://shop.example?x=1']) {
      const problems = problemsOf(() => relayOptionsFromEnv({ ...GOOD_ENV, BPS_ALLOWED_ORIGINS: origins }));
      assert.ok(problems[0]!.startsWith('BPS_ALLOWED_ORIGINS'), origins);
    }
  });
});

describe('createRelay options', () => {
  const good: RelayOptions = {
    provider: { url: 'https://payments.example', clientId: 'id', clientSecret: 'secret' },
    tokenKeys: [KEY_1],
    allowedOrigins: ['https://shop.example'],
  };

  test('refuses weak keys, no origins and nonsense knobs, listing each', () => {
    const problems = problemsOf(() =>
      createRelay({
        ...good,
        tokenKeys: ['weak'],
        allowedOrigins: [],
        basePath: 'bank-pay/',
        answerWithinMs: -1,
        rateLimit: { perClientIp: { limit: 0, windowMs: 1000 } },
      }),
    );
    assert.equal(problems.length, 5, problems.join('\n'));
    assert.ok(problems.some((problem) => problem.startsWith('tokenKeys[0]')));
  });

  test('importing and creating has no side effects beyond the app', () => {
    const relay = createRelay(good);
    assert.equal(typeof relay.drain, 'function');
    assert.equal(typeof relay.fetch, 'function');
  });

  test('the relay mounts under another base path', async () => {
    const relay = createRelay({ ...good, basePath: '/payments/relay' });
    const response = await relay.request('/payments/relay/cancel', { method: 'POST', body: '{}', headers: { 'content-type': 'text/plain' } });
    assert.equal(response.status, 400);
    assert.equal((await relay.request('/bank-pay/cancel', { method: 'POST', body: '{}' })).status, 404);
  });
});

describe('relay CLI arguments', () => {
  test('port, host and help', () => {
    assert.deepEqual(parseRelayArgs([]), { help: false, port: 8787, host: '0.0.0.0' });
    assert.deepEqual(parseRelayArgs(['--port', '9000', '--host=127.0.0.1']), { help: false, port: 9000, host: '127.0.0.1' });
    assert.equal(parseRelayArgs(['-h']).help, true);
    assert.throws(() => parseRelayArgs(['--port', 'abc']), /--port must be a number/);
    assert.throws(() => parseRelayArgs(['--port', '70000']), /--port/);
    assert.throws(() => parseRelayArgs(['--port']), /needs a value/);
    assert.throws(() => parseRelayArgs(['--verbose']), /unknown option/);
  });
});
