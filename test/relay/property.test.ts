/**
 * Property: no random body or token is ever accepted, and none crashes the relay. Each run is
 * a real HTTP request to a relay in front of the sandbox; afterwards the sandbox confirms
 * that not one cancel reached the provider.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CANCEL_REASONS } from '../../src/protocol/cancel-request.js';
import { mintCancelToken } from '../../src/relay/index.js';
import type { CreatedSession } from '../../src/relay/index.js';
import { randomKey, startHarness, type Harness } from './harness.js';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('');
const REFUSAL_STATUSES = new Set([400, 403, 413, 415, 429]);

describe('random cancel requests', () => {
  let h: Harness;
  let target: CreatedSession;
  let otherSessionToken: string;
  let expiredToken: string;
  let otherKeyToken: string;

  before(async () => {
    h = await startHarness({ relay: { rateLimit: false } });
    target = await h.newSession();
    otherSessionToken = (await h.newSession()).cancelToken;
    expiredToken = await mintCancelToken({ sessionId: target.sessionId, expiresAt: Date.now() - 1000 }, h.tokenKeys[0]!);
    otherKeyToken = await mintCancelToken({ sessionId: target.sessionId, expiresAt: Date.now() + 600_000 }, randomKey());
  });
  after(() => h.close());

  /** Every kind of wrong token: random text, well-shaped forgeries, near-misses of the real one. */
  const wrongToken = () =>
    fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc
        .tuple(fc.nat({ max: 4_102_444_800_000 }), fc.array(fc.constantFrom(...BASE64URL), { minLength: 43, maxLength: 43 }))
        .map(([expiry, mac]) => `v1.${expiry}.${mac.join('')}`),
      fc
        .tuple(fc.nat({ max: target.cancelToken.length - 1 }), fc.constantFrom(...BASE64URL, '.', '=', ' '))
        .map(([index, char]) => target.cancelToken.slice(0, index) + char + target.cancelToken.slice(index + 1))
        .filter((token) => token !== target.cancelToken),
      fc.constant(otherSessionToken),
      fc.constant(expiredToken),
      fc.constant(otherKeyToken),
    );

  const sessionId = () => fc.oneof(fc.constant(target.sessionId), fc.uuid(), fc.string({ maxLength: 40 }));
  const reason = () => fc.oneof(fc.constantFrom(...CANCEL_REASONS), fc.string({ maxLength: 20 }));
  const extraFields = () => fc.option(fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }));

  const body = () =>
    fc.oneof(
      // Well-formed JSON around a wrong token.
      fc.record({ sessionId: sessionId(), token: wrongToken(), reason: reason(), extra: extraFields() }).map(({ extra, ...fields }) => ({
        text: JSON.stringify({ ...fields, ...(extra ?? {}) }),
        contentType: 'text/plain;charset=UTF-8',
      })),
      // The same fields form-encoded.
      fc.record({ sessionId: sessionId(), token: wrongToken(), reason: reason() }).map((fields) => ({
        text: new URLSearchParams(fields).toString(),
        contentType: 'application/x-www-form-urlencoded',
      })),
      // Anything at all, under any content type, including the real token in odd places.
      fc.record({
        text: fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? ''),
          fc.constant(JSON.stringify({ sessionId: target.sessionId, token: target.cancelToken, reason: 'api', phase: 'now' })),
          fc.constant(JSON.stringify({ sessionId: target.sessionId.replace(/.$/, 'z'), token: target.cancelToken, reason: 'api' })),
          fc.string({ minLength: 2100, maxLength: 2500 }),
        ),
        contentType: fc.constantFrom(
          'text/plain;charset=UTF-8',
          'application/json',
          'application/x-www-form-urlencoded',
          'text/html',
          'multipart/form-data; boundary=x',
          'application/octet-stream',
        ),
      }),
    );

  test('never accepted, never a 5xx, always a JSON refusal', async () => {
    await fc.assert(
      fc.asyncProperty(body(), async ({ text, contentType }) => {
        const response = await h.post(text, { contentType });
        assert.ok(REFUSAL_STATUSES.has(response.status), `HTTP ${response.status} for ${JSON.stringify(text).slice(0, 200)}`);
        const answer = (await response.json()) as { outcome?: string };
        assert.equal(answer.outcome, 'rejected');
      }),
      { numRuns: 250 },
    );
    const view = await h.inspect(target.sessionId);
    assert.equal(view.cancelCalls, 0, 'no cancel reached the provider');
    assert.equal(view.session.status, 'Initiated');
    assert.equal(h.providerRequests.filter((request) => request.endsWith('/cancel')).length, 0);
  });

  test('random status tokens are never accepted and never crash', async () => {
    await fc.assert(
      fc.asyncProperty(sessionId(), wrongToken(), async (id, token) => {
        const response = await fetch(`${h.relayUrl}/bank-pay/sessions/${encodeURIComponent(id)}/status?token=${encodeURIComponent(token)}`);
        // 404 only for ids that do not route (e.g. containing a slash); never a status answer.
        assert.ok([400, 403, 404].includes(response.status), `HTTP ${response.status}`);
        await response.body?.cancel();
      }),
      { numRuns: 150 },
    );
    assert.equal(h.providerRequests.filter((request) => request.endsWith('/status')).length, 0);
  });

  test('and the real token still works afterwards (the property did not pass by breaking the relay)', async () => {
    const { http, body: answer } = await h.cancel(target);
    assert.equal(http, 200);
    assert.equal(answer.outcome, 'cancelled');
  });
});
