import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCancelRequest, parseCancelRequest } from '../../src/protocol/cancel-request.js';
import { encodeSignalRequest, LEASE_SIGNALS, parseSignalRequest } from '../../src/protocol/signal-request.js';

const sessionId = '3f2a9c4e-8b1d-4e7a-9c2f-1a2b3c4d5e6f';

test('what the element encodes, the relay parses', () => {
  const text = encodeCancelRequest({ sessionId, token: 'tok', reason: 'page-unload' });
  assert.deepEqual(parseCancelRequest(text, 'text/plain;charset=UTF-8'), { ok: true, value: { sessionId, token: 'tok', reason: 'page-unload' } });
});

test('form-urlencoded bodies carry the same fields', () => {
  const body = new URLSearchParams({ sessionId, token: 'tok', reason: 'close-button' }).toString();
  assert.deepEqual(parseCancelRequest(body, 'application/x-www-form-urlencoded'), { ok: true, value: { sessionId, token: 'tok', reason: 'close-button' } });
});

test('a lease signal is not a cancel: the old phase field is refused by name', () => {
  const parsed = parseCancelRequest(JSON.stringify({ sessionId, token: 'tok', reason: 'page-unload', phase: 'intent' }), 'text/plain');
  assert.deepEqual(parsed, { ok: false, code: 'malformed', message: 'unknown field: phase' });
});

test('signals: what the element encodes, the relay parses; every signal, both encodings', () => {
  for (const signal of LEASE_SIGNALS) {
    const text = encodeSignalRequest({ sessionId, token: 'tok', signal });
    assert.deepEqual(parseSignalRequest(text, 'text/plain;charset=UTF-8'), { ok: true, value: { sessionId, token: 'tok', signal } });
    const form = new URLSearchParams({ sessionId, token: 'tok', signal }).toString();
    assert.deepEqual(parseSignalRequest(form, 'application/x-www-form-urlencoded'), { ok: true, value: { sessionId, token: 'tok', signal } });
  }
});

test('signals: a wrong signal, a missing token, an unknown field each say what is wrong', () => {
  const message = (body: object) => {
    const parsed = parseSignalRequest(JSON.stringify(body), 'text/plain');
    return parsed.ok ? 'ok' : parsed.message;
  };
  assert.match(message({ sessionId, token: 'tok', signal: 'dead' }), /^signal must be one of alive, hidden, intent, revoke$/);
  assert.match(message({ sessionId, signal: 'alive' }), /token/);
  assert.match(message({ sessionId, token: 'tok', signal: 'alive', reason: 'x' }), /unknown field: reason/);
  assert.match(message({ sessionId: 'nope', token: 'tok', signal: 'alive' }), /UUID/);
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
