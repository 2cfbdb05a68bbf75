import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCancelRequest, parseCancelRequest } from '../../src/protocol/cancel-request.js';

const sessionId = '3f2a9c4e-8b1d-4e7a-9c2f-1a2b3c4d5e6f';

test('what the element encodes, the relay parses', () => {
  const text = encodeCancelRequest({ sessionId, token: 'tok', reason: 'page-unload' });
  assert.deepEqual(parseCancelRequest(text, 'text/plain;charset=UTF-8'), {
    ok: true,
    value: { sessionId, token: 'tok', reason: 'page-unload', phase: 'confirm' },
  });
});

test('each phase survives the round trip; a confirm is sent without the field, as every relay understands', () => {
  assert.equal(encodeCancelRequest({ sessionId, token: 'tok', reason: 'page-unload', phase: 'confirm' }), encodeCancelRequest({ sessionId, token: 'tok', reason: 'page-unload' }));
  assert.ok(!encodeCancelRequest({ sessionId, token: 'tok', reason: 'page-unload', phase: 'confirm' }).includes('phase'));
  for (const phase of ['intent', 'revoke'] as const) {
    const text = encodeCancelRequest({ sessionId, token: 'tok', reason: 'page-unload', phase });
    assert.deepEqual(JSON.parse(text), { sessionId, token: 'tok', reason: 'page-unload', phase });
    assert.deepEqual(parseCancelRequest(text, 'text/plain;charset=UTF-8'), { ok: true, value: { sessionId, token: 'tok', reason: 'page-unload', phase } });
  }
});

test('form-urlencoded bodies carry the same fields', () => {
  const body = new URLSearchParams({ sessionId, token: 'tok', reason: 'close-button', phase: 'intent' }).toString();
  const parsed = parseCancelRequest(body, 'application/x-www-form-urlencoded');
  assert.ok(parsed.ok);
  assert.equal(parsed.value.phase, 'intent');
});

test('wrong media types are refused as such', () => {
  const parsed = parseCancelRequest('{}', 'multipart/form-data; boundary=x');
  assert.equal(parsed.ok ? 'ok' : parsed.code, 'unsupported-media-type');
  const missing = parseCancelRequest('{}', undefined);
  assert.equal(missing.ok ? 'ok' : missing.code, 'unsupported-media-type');
});

test('malformed bodies say what is wrong', () => {
  const cases: Array<[string, RegExp]> = [
    ['not json', /valid JSON/],
    ['[]', /object/],
    [JSON.stringify({ sessionId: 'nope', token: 't', reason: 'api' }), /sessionId/],
    [JSON.stringify({ sessionId, token: '', reason: 'api' }), /token/],
    [JSON.stringify({ sessionId, token: 't', reason: 'because' }), /reason/],
    [JSON.stringify({ sessionId, token: 't', reason: 'api', extra: 1 }), /unknown field: extra/],
    [JSON.stringify({ sessionId, token: 't', reason: 'api', phase: 'later' }), /phase/],
  ];
  for (const [text, pattern] of cases) {
    const parsed = parseCancelRequest(text, 'text/plain');
    assert.equal(parsed.ok, false, text);
    if (!parsed.ok) assert.match(parsed.message, pattern);
  }
  const twice = parseCancelRequest(`sessionId=${sessionId}&token=a&token=b&reason=api`, 'application/x-www-form-urlencoded');
  assert.equal(twice.ok, false);
});
