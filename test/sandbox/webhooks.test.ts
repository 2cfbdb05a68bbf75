import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { bearer, createSession, eventually, fakeClock, inspect, postJson, start, startReceiver } from './support.js';

const SECRET = 'whsec-test-1f2e3d4c5b6a';

/** Verifies the signature without the project's own code: HMAC-SHA256 of the raw bytes, upper-case hex. */
function independentlyValid(body: Buffer, header: string | undefined): boolean {
  const expected = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex').toUpperCase()}`;
  return header !== undefined && header.length === expected.length && timingSafeEqual(Buffer.from(header), Buffer.from(expected));
}

describe('SessionSetupStatusChanged webhooks', () => {
  const clock = fakeClock();
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let sandbox: RunningSandbox;
  let base: string;

  before(async () => {
    receiver = await startReceiver(204);
    sandbox = await start({ webhookUrl: receiver.url, webhookSecret: SECRET, now: clock.now, sessionTimeoutMs: 60_000, expiryCheckIntervalMs: 3_600_000 });
    base = sandbox.url;
  });
  after(async () => {
    await sandbox.close();
    await receiver.close();
  });
  beforeEach(() => {
    receiver.received.length = 0;
  });

  const forSession = (sessionId: string) => receiver.received.filter((request) => JSON.parse(request.body.toString('utf8')).sessionId === sessionId);

  test('a cancel sends one signed POST with the documented JSON', async () => {
    const { token, sessionId, referenceId } = await createSession(base);
    await fetch(`${base}/api/v2/sessions/${sessionId}/cancel`, { method: 'POST', headers: bearer(token) });
    const [delivery] = await eventually(() => (forSession(sessionId).length > 0 ? forSession(sessionId) : undefined), 5000, 'the webhook');
    assert.ok(delivery);
    assert.equal(delivery.method, 'POST');
    assert.equal(delivery.url, '/webhooks');
    assert.equal(delivery.headers['content-type'], 'application/json; charset=utf-8');
    const signature = delivery.headers['x-webhook-signature'] as string | undefined;
    assert.match(signature ?? '', /^sha256=[0-9A-F]{64}$/);
    assert.ok(independentlyValid(delivery.body, signature), 'the signature verifies with the shared secret');
    const payload = JSON.parse(delivery.body.toString('utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(payload), ['eventType', 'sessionId', 'referenceId', 'amount', 'status', 'statusDetails', 'when']);
    assert.deepEqual(
      { ...payload, when: undefined },
      { eventType: 'SessionSetupStatusChanged', sessionId, referenceId, amount: 125.5, status: 'Cancelled', statusDetails: 'EFT0501', when: undefined },
    );
    assert.equal(payload.when, new Date(clock.now()).toISOString());
  });

  test('the signature does not verify with another secret or a changed body', async () => {
    const { token, sessionId } = await createSession(base);
    await fetch(`${base}/api/v2/sessions/${sessionId}/cancel`, { method: 'POST', headers: bearer(token) });
    const [delivery] = await eventually(() => (forSession(sessionId).length > 0 ? forSession(sessionId) : undefined));
    const signature = delivery!.headers['x-webhook-signature'] as string;
    const other = `sha256=${createHmac('sha256', 'another-secret').update(delivery!.body).digest('hex').toUpperCase()}`;
    assert.notEqual(signature, other);
    assert.ok(!independentlyValid(Buffer.concat([delivery!.body, Buffer.from(' ')]), signature));
  });

  test('GEFT cancels are spelled Canceled in the webhook', async () => {
    const { token, sessionId } = await createSession(base, 'GEFT');
    await fetch(`${base}/api/v2/sessions/${sessionId}/cancel`, { method: 'POST', headers: bearer(token) });
    const [delivery] = await eventually(() => (forSession(sessionId).length > 0 ? forSession(sessionId) : undefined));
    assert.equal(JSON.parse(delivery!.body.toString('utf8')).status, 'Canceled');
  });

  for (const [status, statusDetails] of [['Completed', 'EFT0301'], ['Completed', 'EFT0302'], ['Failed', 'EFT0403']] as const) {
    test(`${status} / ${statusDetails} sends a webhook`, async () => {
      const { sessionId } = await createSession(base);
      assert.equal((await postJson(`${base}/sandbox/sessions/${sessionId}/force`, { status, statusDetails })).status, 200);
      const [delivery] = await eventually(() => (forSession(sessionId).length > 0 ? forSession(sessionId) : undefined));
      const payload = JSON.parse(delivery!.body.toString('utf8')) as Record<string, unknown>;
      assert.equal(payload.status, status);
      assert.equal(payload.statusDetails, statusDetails);
      assert.ok(independentlyValid(delivery!.body, delivery!.headers['x-webhook-signature'] as string));
    });
  }

  test('completing in the hosted flow sends Completed / EFT0301', async () => {
    const { sessionId } = await createSession(base, 'e-Transfer');
    assert.equal((await fetch(`${base}/app/api/sessions/${sessionId}/complete`, { method: 'POST' })).status, 200);
    const [delivery] = await eventually(() => (forSession(sessionId).length > 0 ? forSession(sessionId) : undefined));
    assert.equal(JSON.parse(delivery!.body.toString('utf8')).statusDetails, 'EFT0301');
  });

  test('no webhook for Expired, by timeout or by force; and only one per session', async () => {
    const timedOut = await createSession(base);
    const forced = await createSession(base);
    await postJson(`${base}/sandbox/sessions/${forced.sessionId}/force`, { status: 'Expired' });
    clock.advance(60_000);
    assert.equal((await inspect(base, timedOut.sessionId)).session.status, 'Expired');
    // Cancelled twice: the second answer is 400 and must not send a second webhook.
    const marker = await createSession(base);
    await fetch(`${base}/api/v2/sessions/${marker.sessionId}/cancel`, { method: 'POST', headers: bearer(marker.token) });
    await fetch(`${base}/api/v2/sessions/${marker.sessionId}/cancel`, { method: 'POST', headers: bearer(marker.token) });
    await eventually(() => (forSession(marker.sessionId).length > 0 ? true : undefined));
    await sandbox.sandbox.webhooksIdle();
    assert.equal(forSession(timedOut.sessionId).length, 0);
    assert.equal(forSession(forced.sessionId).length, 0);
    assert.equal(forSession(marker.sessionId).length, 1);
  });

  test('GET /sandbox/webhooks lists deliveries with body, signature and response status; history notes them', async () => {
    const { token, sessionId } = await createSession(base);
    await fetch(`${base}/api/v2/sessions/${sessionId}/cancel`, { method: 'POST', headers: bearer(token) });
    await sandbox.sandbox.webhooksIdle();
    const { deliveries } = (await (await fetch(`${base}/sandbox/webhooks`)).json()) as {
      deliveries: Array<{ url: string; sessionId: string; body: string; signature: string; responseStatus: number | null }>;
    };
    const delivery = deliveries.find((d) => d.sessionId === sessionId);
    assert.ok(delivery);
    assert.equal(delivery.url, receiver.url);
    assert.equal(delivery.responseStatus, 204);
    assert.ok(independentlyValid(Buffer.from(delivery.body), delivery.signature));
    assert.ok(!JSON.stringify(deliveries).includes(SECRET), 'the secret is never shown');
    const { history } = await inspect(base, sessionId);
    assert.deepEqual(history.filter((h) => h.type === 'webhook').map((h) => [h.httpStatus, h.outcome]), [[204, 'delivered']]);
  });
});

describe('webhook delivery failures', () => {
  test('an unreachable receiver is recorded, not retried, and never breaks the API', async () => {
    const receiver = await startReceiver();
    const deadUrl = receiver.url;
    await receiver.close();
    const sandbox = await start({ webhookUrl: deadUrl, webhookTimeoutMs: 2000 });
    try {
      const { token, sessionId } = await createSession(sandbox.url);
      const response = await fetch(`${sandbox.url}/api/v2/sessions/${sessionId}/cancel`, { method: 'POST', headers: bearer(token) });
      assert.equal(response.status, 200);
      await sandbox.sandbox.webhooksIdle();
      const { deliveries } = (await (await fetch(`${sandbox.url}/sandbox/webhooks`)).json()) as { deliveries: Array<{ responseStatus: number | null; error?: string }> };
      assert.equal(deliveries.length, 1);
      assert.equal(deliveries[0]!.responseStatus, null);
      assert.equal(deliveries[0]!.error, 'could not be delivered');
    } finally {
      await sandbox.close();
    }
  });

  test('without a webhook URL nothing is sent', async () => {
    const sandbox = await start();
    try {
      const { token, sessionId } = await createSession(sandbox.url);
      await fetch(`${sandbox.url}/api/v2/sessions/${sessionId}/cancel`, { method: 'POST', headers: bearer(token) });
      await sandbox.sandbox.webhooksIdle();
      assert.deepEqual(await (await fetch(`${sandbox.url}/sandbox/webhooks`)).json(), { deliveries: [] });
    } finally {
      await sandbox.close();
    }
  });
});
