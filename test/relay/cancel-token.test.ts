import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mintCancelToken, verifyCancelToken } from '../../src/relay/index.js';
import { tokenKeyWeakness } from '../../src/relay/key-strength.js';

const KEY_A = 'key-a-0123456789abcdefghijklmnopqrstuvwxyz';
const KEY_B = 'key-b-ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210';
const SESSION = '3f2a6c1e-8d4b-4c55-9a0e-1b2c3d4e5f60';
const OTHER_SESSION = '3f2a6c1e-8d4b-4c55-9a0e-1b2c3d4e5f61';
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const LATER = NOW + 15 * 60_000;

describe('cancel token', () => {
  test('a minted token verifies for its session until it expires', async () => {
    const token = await mintCancelToken({ sessionId: SESSION, expiresAt: LATER }, KEY_A);
    assert.match(token, /^v1\.\d+\.[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(await verifyCancelToken(token, SESSION, [KEY_A], NOW), { ok: true, expiresAt: LATER });
    const expired = await verifyCancelToken(token, SESSION, [KEY_A], LATER);
    assert.deepEqual(expired, { ok: false, reason: 'token has expired' });
  });

  test('a Date expiry is the same as epoch milliseconds', async () => {
    assert.equal(
      await mintCancelToken({ sessionId: SESSION, expiresAt: new Date(LATER) }, KEY_A),
      await mintCancelToken({ sessionId: SESSION, expiresAt: LATER }, KEY_A),
    );
  });

  test('session ids compare case-insensitively, as UUIDs do', async () => {
    const token = await mintCancelToken({ sessionId: SESSION.toUpperCase(), expiresAt: LATER }, KEY_A);
    assert.equal((await verifyCancelToken(token, SESSION, [KEY_A], NOW)).ok, true);
  });

  test('refuses another session, another key, and any tampering', async () => {
    const token = await mintCancelToken({ sessionId: SESSION, expiresAt: LATER }, KEY_A);
    assert.equal((await verifyCancelToken(token, OTHER_SESSION, [KEY_A], NOW)).ok, false);
    assert.equal((await verifyCancelToken(token, SESSION, [KEY_B], NOW)).ok, false);
    const [version, expiry, mac] = token.split('.') as [string, string, string];
    // Extending the expiry breaks the MAC.
    assert.equal((await verifyCancelToken(`${version}.${Number(expiry) + 1}.${mac}`, SESSION, [KEY_A], NOW)).ok, false);
    const flipped = mac.slice(0, 10) + (mac[10] === 'A' ? 'B' : 'A') + mac.slice(11);
    assert.equal((await verifyCancelToken(`${version}.${expiry}.${flipped}`, SESSION, [KEY_A], NOW)).ok, false);
    for (const bad of ['', 'v1', 'v2.1.x', `v1.${expiry}`, `${token}.`, `${token}=`, ` ${token}`, 'v1.abc.' + mac]) {
      const result = await verifyCancelToken(bad, SESSION, [KEY_A], NOW);
      assert.equal(result.ok, false, `accepted ${JSON.stringify(bad)}`);
    }
  });

  test('key rotation: every listed key verifies, the reason never names a key', async () => {
    const old = await mintCancelToken({ sessionId: SESSION, expiresAt: LATER }, KEY_A);
    const fresh = await mintCancelToken({ sessionId: SESSION, expiresAt: LATER }, KEY_B);
    assert.equal((await verifyCancelToken(old, SESSION, [KEY_B, KEY_A], NOW)).ok, true);
    assert.equal((await verifyCancelToken(fresh, SESSION, [KEY_B, KEY_A], NOW)).ok, true);
    const retired = await verifyCancelToken(old, SESSION, [KEY_B], NOW);
    assert.equal(retired.ok, false);
    assert.ok(!retired.ok && !retired.reason.includes(KEY_A) && !retired.reason.includes(KEY_B));
  });

  test('minting refuses weak keys and bad claims with a message that omits the key', async () => {
    for (const weak of ['', 'short', 'x'.repeat(64), 'abcabcabcabcabcabcabcabcabcabcabcabc']) {
      await assert.rejects(mintCancelToken({ sessionId: SESSION, expiresAt: LATER }, weak), (error: Error) => {
        assert.ok(weak === '' || !error.message.includes(weak));
        return error instanceof TypeError;
      });
    }
    await assert.rejects(mintCancelToken({ sessionId: 'not-a-uuid', expiresAt: LATER }, KEY_A), /sessionId/);
    await assert.rejects(mintCancelToken({ sessionId: SESSION, expiresAt: Number.NaN }, KEY_A), /expiresAt/);
    await assert.rejects(mintCancelToken({ sessionId: SESSION, expiresAt: new Date('nope') }, KEY_A), /expiresAt/);
  });

  test('key strength counts bytes, not characters', () => {
    assert.equal(tokenKeyWeakness('é'.repeat(16) + 'abcdefgh'), undefined); // 40 bytes
    assert.match(tokenKeyWeakness('abcdefgh'.repeat(3)) ?? '', /24 bytes/);
  });

  test('no keys configured is a refusal, not a crash', async () => {
    const token = await mintCancelToken({ sessionId: SESSION, expiresAt: LATER }, KEY_A);
    assert.deepEqual(await verifyCancelToken(token, SESSION, [], NOW), { ok: false, reason: 'no token keys configured' });
  });
});
