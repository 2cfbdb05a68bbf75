/**
 * Nothing an unauthenticated client sends can grow the log without bound, and /webhooks is
 * rate limited: floods of forged webhook deliveries and forged cancels (from rotating
 * addresses) over real HTTP, counting the log lines they cost and checking that the
 * provider's genuine delivery and a shopper's genuine cancel still get through.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from '../../src/protocol/webhook.js';
import { SHOP_ORIGIN, startHarness, WEBHOOK_SECRET, type Harness } from './harness.js';
import { requestFrom } from './relay-process.js';

const INTERVAL_MS = 400;

describe('floods of refused requests', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ relay: { rejectionLogIntervalMs: INTERVAL_MS, trustProxy: ['loopback'] } });
  });
  after(() => h.close());

  const linesSince = (start: number) => h.logs.slice(start);
  type Line = Record<string, unknown>;
  /**
   * How many refusals of a kind the log accounts for: each interval writes the first in full
   * and, when there were more, one summary counting them all (the first included).
   */
  const accounted = (lines: Line[], route: string, reason: string, isFull: (line: Line) => boolean) => {
    const summaries = lines.filter((line) => line.type === 'bank-pay.rejections' && line.route === route && line.reason === reason);
    const full = lines.filter(isFull).length;
    return summaries.reduce((sum, line) => sum + Number(line.count), 0) + full - summaries.length;
  };
  /** At most two lines per kind and interval, whatever the number of refusals. */
  const assertBounded = (lines: Line[], kinds: number, startedAt: number) => {
    const intervals = Math.ceil((Date.now() - startedAt) / INTERVAL_MS) + 1;
    assert.ok(lines.length <= 2 * kinds * intervals, `${lines.length} lines over ${intervals} intervals`);
  };
  /** Waits until the last interval's summaries are out. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 2 * INTERVAL_MS + 100));

  test('forged 60 KB webhook deliveries: 429 once an address has sent 30 refused ones, a bounded number of log lines, and the real provider still gets through', async () => {
    const start = h.logs.length;
    const startedAt = Date.now();
    const forged = JSON.stringify({ sessionId: '3f2a9c4e-8b1d-4e7a-9c2f-1a2b3c4d5e6f', pad: 'x'.repeat(60_000) });
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) {
      const answer = await requestFrom('127.0.0.2', `${h.relayUrl}/bank-pay/webhooks`, {
        headers: { 'content-type': 'application/json', [WEBHOOK_SIGNATURE_HEADER]: `sha256=${'AB'.repeat(32)}` },
        body: forged,
      });
      statuses.push(answer.status);
    }
    assert.equal(statuses.filter((status) => status === 401).length, 30);
    assert.equal(statuses.filter((status) => status === 429).length, 170);

    // The provider (another address) delivers a genuine, signed event meanwhile.
    const session = await h.newSession();
    const body = JSON.stringify({ eventType: 'SessionSetupStatusChanged', sessionId: session.sessionId, referenceId: 'r', amount: 1, status: 'Completed', statusDetails: 'EFT0301', when: new Date().toISOString() });
    const genuine = await requestFrom('127.0.0.3', `${h.relayUrl}/bank-pay/webhooks`, {
      headers: { 'content-type': 'application/json; charset=utf-8', [WEBHOOK_SIGNATURE_HEADER]: await signWebhook(body, WEBHOOK_SECRET) },
      body,
    });
    assert.equal(genuine.status, 200);

    await settle();
    const lines = linesSince(start);
    assert.equal(accounted(lines, 'webhooks', 'signature does not match', (line) => line.type === 'bank-pay.webhook' && line.outcome === 'refused'), 30);
    // A limited delivery's first line of an interval is the summary's only: it has no full line of its own.
    const limitedLines = lines.filter((line) => line.type === 'bank-pay.rejections' && line.reason === 'too many refused deliveries from this address');
    assert.ok(limitedLines.reduce((sum, line) => sum + Number(line.count), 0) <= 170);
    assertBounded(lines.filter((line) => line.type !== 'bank-pay.webhook' || line.outcome === 'refused'), 2, startedAt);
  });

  test('forged cancels from 500 rotating addresses: counted, not one line each; a genuine cancel still goes through', async () => {
    const start = h.logs.length;
    const startedAt = Date.now();
    const session = await h.newSession();
    const statuses: number[] = [];
    for (let i = 0; i < 500; i++) {
      const response = await fetch(`${h.relayUrl}/bank-pay/cancel`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: SHOP_ORIGIN, 'x-forwarded-for': `198.51.${i >> 8}.${i & 255}` },
        body: JSON.stringify({ sessionId: session.sessionId, token: `v1.${Date.now() + 60_000}.${'A'.repeat(43)}`, reason: 'page-unload' }),
      });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    assert.ok(statuses.every((status) => status === 403));
    const { http, body } = await h.cancel(session);
    assert.deepEqual([http, body.outcome], [200, 'cancelled'], 'the forged flood did not lock the real session out');
    await settle();
    const lines = linesSince(start).filter((line) => line.type === 'bank-pay.rejections' || (line.type === 'bank-pay.cancel' && line.outcome === 'rejected'));
    assert.equal(accounted(lines, 'cancel', 'token signature does not match this session', (line) => line.type === 'bank-pay.cancel'), 500, 'every forged cancel is counted');
    assertBounded(lines, 1, startedAt);
  });

  test('foreign origins on signals are counted the same way', async () => {
    const start = h.logs.length;
    const startedAt = Date.now();
    const session = await h.newSession();
    for (let i = 0; i < 50; i++) {
      const response = await fetch(`${h.relayUrl}/bank-pay/signals`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
        body: JSON.stringify({ sessionId: session.sessionId, token: session.cancelToken, signal: 'alive' }),
      });
      assert.equal(response.status, 403);
      await response.body?.cancel();
    }
    await settle();
    const lines = linesSince(start);
    assert.equal(accounted(lines, 'signals', 'origin not allowed', (line) => line.type === 'bank-pay.refused'), 50);
    assertBounded(lines, 1, startedAt);
  });
});
