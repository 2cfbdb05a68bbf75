import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cancelOnAllows, DEFAULT_CANCEL_ON } from '../../src/element/cancel-on.js';
import { expiryDelay, MAX_TIMER_DELAY_MS, parseExpiresAt } from '../../src/element/clock.js';
import { frameSource } from '../../src/element/src-policy.js';
import { pickLang, STRINGS } from '../../src/element/strings.js';
import { transportFor } from '../../src/element/delivery.js';

describe('cancel-on', () => {
  test('the default cancels on close, the flow\'s close, removal, unload and bfcache, not on hidden', () => {
    for (const reason of ['close-button', 'flow-close', 'spa-navigation', 'page-unload', 'bfcache'] as const) {
      assert.equal(cancelOnAllows(undefined, reason), true, reason);
      assert.equal(cancelOnAllows(DEFAULT_CANCEL_ON, reason), true, reason);
    }
    assert.equal(cancelOnAllows(undefined, 'tab-hidden'), false);
  });

  test('a custom list turns signals on and off; the merchant\'s own cancel() always goes through', () => {
    assert.equal(cancelOnAllows('close  hidden', 'tab-hidden'), true);
    assert.equal(cancelOnAllows('close  hidden', 'close-button'), true);
    assert.equal(cancelOnAllows('close  hidden', 'page-unload'), false);
    assert.equal(cancelOnAllows('', 'bfcache'), false);
    assert.equal(cancelOnAllows('', 'api'), true);
  });
});

describe('expires-at', () => {
  test('reads ISO 8601, epoch milliseconds as a number or as digits', () => {
    assert.equal(parseExpiresAt('2030-01-02T03:04:05Z'), Date.UTC(2030, 0, 2, 3, 4, 5));
    assert.equal(parseExpiresAt(1893553445000), 1893553445000);
    assert.equal(parseExpiresAt(' 1893553445000 '), 1893553445000);
  });

  test('absent or unreadable means no client-side expiry', () => {
    for (const value of [undefined, null, '', 'soon', NaN, '12abc']) assert.equal(parseExpiresAt(value), undefined, String(value));
  });

  test('the delay is the time left, never negative, never beyond what setTimeout can wait', () => {
    assert.equal(expiryDelay(1_000, 400), 600);
    assert.equal(expiryDelay(1_000, 5_000), 0);
    assert.equal(expiryDelay(Number.MAX_SAFE_INTEGER, 0), MAX_TIMER_DELAY_MS);
  });
});

describe('src policy', () => {
  const page = 'https://shop.example/checkout';

  test('frames https anywhere, and http only on the local machine', () => {
    assert.equal(frameSource('https://pay.example/app/?sessionId=1', page)?.origin, 'https://pay.example');
    for (const src of ['http://localhost:4010/app/', 'http://127.0.0.1:4010/app/', 'http://[::1]:4010/app/']) {
      assert.ok(frameSource(src, page), src);
    }
  });

  test('refuses every other scheme and plain http on a real host', () => {
    for (const src of [
      'http://pay.example/app/',
      'http://localhost.evil.example/',
      'http://127.0.0.1.evil.example/',
      'javascript:alert(1)',
      'data:text/html,<p>x</p>',
      'ftp://pay.example/',
      'https://',
    ]) {
      assert.equal(frameSource(src, page), undefined, src);
    }
  });

  test('resolves a relative src against the page', () => {
    assert.equal(frameSource('/app/?sessionId=1', page)?.href, 'https://shop.example/app/?sessionId=1');
    assert.equal(frameSource('/app/', 'http://shop.example/'), undefined);
  });
});

describe('strings', () => {
  test('English and French have the same keys, none empty', () => {
    assert.deepEqual(Object.keys(STRINGS.fr).sort(), Object.keys(STRINGS.en).sort());
    for (const table of Object.values(STRINGS)) for (const text of Object.values(table)) assert.ok(text.trim().length > 0);
  });

  test('fr, fr-CA and FR-ca read as French; anything else as English', () => {
    assert.deepEqual(['fr', 'fr-CA', 'FR-ca', 'en', 'en-CA', 'frr', '', null, undefined].map(pickLang), [
      'fr', 'fr', 'fr', 'en', 'en', 'en', 'en', 'en', 'en',
    ]);
  });
});

describe('delivery transport', () => {
  test('a beacon where the page may be going away, an answered fetch where the shopper stays', () => {
    assert.deepEqual(
      (['page-unload', 'bfcache', 'spa-navigation', 'tab-hidden', 'close-button', 'flow-close', 'api'] as const).map(transportFor),
      ['beacon', 'beacon', 'beacon', 'beacon', 'fetch', 'fetch', 'fetch'],
    );
  });
});
