/** POST /bank-pay/webhooks: signature, replay window, de-duplication, the callback. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signWebhook, WEBHOOK_EVENT_TYPE, type WebhookPayload } from '../../src/protocol/webhook.js';
import type { StatusChangeEvent } from '../../src/relay/index.js';
import { eventually, startHarness, WEBHOOK_SECRET, type Harness } from './harness.js';

function payload(overrides: Partial<WebhookPayload> = {}): WebhookPayload {
  return {
    eventType: WEBHOOK_EVENT_TYPE,
    sessionId: crypto.randomUUID(),
    referenceId: 'order-77',
    amount: 12.5,
    status: 'Completed',
    statusDetails: 'EFT0301',
    when: new Date().toISOString(),
    ...overrides,
  };
}

describe('webhooks signed by hand', () => {
  let h: Harness;
  const events: StatusChangeEvent[] = [];
  let failNextCallback = false;
  before(async () => {
    h = await startHarness({
      relay: {
        onStatusChange: (event) => {
          if (failNextCallback) {
            failNextCallback = false;
            throw new Error('merchant database unavailable');
          }
          events.push(event);
        },
      },
    });
  });
  after(() => h.close());

  async function deliver(body: string, signature?: string | null): Promise<Response> {
    const header = signature === undefined ? await signWebhook(body, WEBHOOK_SECRET) : signature;
    return fetch(`${h.relayUrl}/bank-pay/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...(header === null ? {} : { 'x-webhook-signature': header }) },
      body,
    });
  }

  test('a good delivery reaches onStatusChange once, with the canonical status', async () => {
    const event = payload({ status: 'Canceled', statusDetails: 'EFT0501' });
    const response = await deliver(JSON.stringify(event));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { received: true });
    const received = events.find((e) => e.sessionId === event.sessionId);
    assert.deepEqual(received, {
      sessionId: event.sessionId,
      referenceId: 'order-77',
      amount: 12.5,
      status: 'Cancelled',
      providerStatus: 'Canceled',
      statusDetails: 'EFT0501',
      when: event.when,
    });
  });

  test('hex case does not matter', async () => {
    const body = JSON.stringify(payload());
    const signature = (await signWebhook(body, WEBHOOK_SECRET)).toLowerCase();
    assert.equal((await deliver(body, signature)).status, 200);
  });

  test('bad, missing and other-secret signatures are refused with 401; nothing is handed on', async () => {
    const event = payload();
    const body = JSON.stringify(event);
    const good = await signWebhook(body, WEBHOOK_SECRET);
    const cases = [
      null,
      '',
      'sha256=',
      await signWebhook(body, 'another-secret'),
      good.slice(0, -2) + (good.endsWith('00') ? '11' : '00'),
      good.replace('sha256=', 'sha1='),
      await signWebhook(body + ' ', WEBHOOK_SECRET),
    ];
    for (const signature of cases) {
      const response = await deliver(body, signature);
      assert.equal(response.status, 401, String(signature));
    }
    // The signature covers the exact bytes: re-serialised JSON does not verify.
    const reordered = JSON.stringify({ ...event, eventType: undefined, status: event.status, eventTypeAgain: 1 });
    assert.equal((await deliver(reordered, good)).status, 401);
    assert.equal(events.filter((e) => e.sessionId === event.sessionId).length, 0);
  });

  test('replayed (too old) and future-dated deliveries are refused', async () => {
    const old = payload({ when: new Date(Date.now() - 10 * 60_000).toISOString() });
    const future = payload({ when: new Date(Date.now() + 10 * 60_000).toISOString() });
    for (const event of [old, future]) {
      const response = await deliver(JSON.stringify(event));
      assert.equal(response.status, 400);
      assert.match(((await response.json()) as { error: string }).error, /time window/);
    }
    assert.equal(events.filter((e) => e.sessionId === old.sessionId || e.sessionId === future.sessionId).length, 0);
  });

  test('a repeat of the same session + status is acknowledged but handed on once', async () => {
    const first = payload({ status: 'Cancelled', statusDetails: 'EFT0501' });
    const again = { ...first, when: new Date(Date.now() + 1000).toISOString(), status: 'CANCELED' };
    assert.deepEqual(await (await deliver(JSON.stringify(first))).json(), { received: true });
    assert.deepEqual(await (await deliver(JSON.stringify(first))).json(), { received: true, duplicate: true });
    assert.deepEqual(await (await deliver(JSON.stringify(again))).json(), { received: true, duplicate: true });
    const completed = { ...first, status: 'Completed', statusDetails: 'EFT0301' };
    assert.deepEqual(await (await deliver(JSON.stringify(completed))).json(), { received: true });
    assert.deepEqual(
      events.filter((e) => e.sessionId === first.sessionId).map((e) => e.status),
      ['Cancelled', 'Completed'],
    );
  });

  test('signed but malformed payloads get 400', async () => {
    for (const body of ['not json', '[]', JSON.stringify(payload({ sessionId: 'x' })), JSON.stringify(payload({ status: 'Paused' })), JSON.stringify({ ...payload(), when: 'yesterday' }), JSON.stringify({ ...payload(), eventType: 'Other' })]) {
      assert.equal((await deliver(body)).status, 400, body);
    }
  });

  test('a failing callback answers 500 and the same event can be delivered again', async () => {
    const event = payload();
    failNextCallback = true;
    assert.equal((await deliver(JSON.stringify(event))).status, 500);
    assert.ok(h.logs.some((line) => line.type === 'bank-pay.webhook' && line.outcome === 'handler-failed'));
    assert.deepEqual(await (await deliver(JSON.stringify(event))).json(), { received: true });
    assert.equal(events.filter((e) => e.sessionId === event.sessionId).length, 1);
  });

  test('oversized bodies get 413', async () => {
    const body = JSON.stringify({ ...payload(), pad: 'x'.repeat(70_000) });
    assert.equal((await deliver(body)).status, 413);
  });
});

describe('webhooks delivered by the sandbox', () => {
  test('a cancel through the relay comes back as a verified SessionSetupStatusChanged', async () => {
    const events: StatusChangeEvent[] = [];
    const h = await startHarness({ deliverWebhooks: true, relay: { onStatusChange: (event) => void events.push(event) } });
    try {
      const cancelled = await h.newSession({ referenceId: 'order-webhook-1' });
      const completed = await h.newSession({ referenceId: 'order-webhook-2' });
      await h.cancel(cancelled);
      await h.force(completed.sessionId, 'Completed', 'EFT0301');
      await eventually(() => (events.length >= 2 ? true : undefined), 5000, 'two webhook events');
      const bySession = new Map(events.map((e) => [e.sessionId, e]));
      assert.equal(bySession.get(cancelled.sessionId)?.status, 'Cancelled');
      assert.equal(bySession.get(cancelled.sessionId)?.referenceId, 'order-webhook-1');
      assert.equal(bySession.get(completed.sessionId)?.status, 'Completed');
      assert.equal(bySession.get(completed.sessionId)?.statusDetails, 'EFT0301');
      const deliveries = (await (await fetch(`${h.sandbox.url}/sandbox/webhooks`)).json()) as {
        deliveries: Array<{ responseStatus: number | null }>;
      };
      assert.deepEqual(
        deliveries.deliveries.map((d) => d.responseStatus),
        [200, 200],
      );
    } finally {
      await h.close();
    }
  });

  test('without a webhook secret the route is not enabled', async () => {
    const h = await startHarness({ relay: { webhookSecret: undefined } });
    try {
      const response = await fetch(`${h.relayUrl}/bank-pay/webhooks`, { method: 'POST', body: '{}' });
      assert.equal(response.status, 404);
    } finally {
      await h.close();
    }
  });
});
