import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhookSignature } from '../../src/protocol/webhook.js';

const secret = 'whsec-test-0123456789abcdef0123456789';
const body = '{"eventType":"SessionSetupStatusChanged","status":"Cancelled"}';

test('signature is sha256= and upper-case hex of the HMAC of the raw body', async () => {
  const expected = createHmac('sha256', secret).update(body).digest('hex').toUpperCase();
  assert.equal(await signWebhook(body, secret), `sha256=${expected}`);
});

test('verification accepts either hex case and refuses anything else', async () => {
  const header = await signWebhook(body, secret);
  assert.ok(await verifyWebhookSignature(body, header, secret));
  assert.ok(await verifyWebhookSignature(body, header.toLowerCase().replace('sha256=', 'sha256='), secret));
  assert.ok(!(await verifyWebhookSignature(body + ' ', header, secret)));
  assert.ok(!(await verifyWebhookSignature(body, header, 'another-secret')));
  assert.ok(!(await verifyWebhookSignature(body, header.slice(0, -2), secret)));
  assert.ok(!(await verifyWebhookSignature(body, 'sha1=' + header.slice(7), secret)));
  assert.ok(!(await verifyWebhookSignature(body, null, secret)));
  assert.ok(!(await verifyWebhookSignature(body, 'sha256=zz', secret)));
});
