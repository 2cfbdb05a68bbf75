/**
 * The tag as the wrappers write it on a server (src/element/markup.ts): the attribute of each
 * property is the one the element's class declares, and a frame is only written where the
 * element would frame it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BankPaySession } from '../../src/element/index.js';
import { attributesOf, frameHtml, PROPERTY_ATTRIBUTES, writtenFrame } from '../../src/element/markup.js';

describe('the tag as a server writes it', () => {
  test("names each property's attribute as the element's class declares it", () => {
    const declared = Object.entries(BankPaySession.properties as Record<string, { attribute?: string }>).map(
      // Lit's default attribute is the lowercased property name.
      ([property, { attribute }]) => [property, attribute ?? property.toLowerCase()],
    );
    assert.deepEqual(Object.entries(PROPERTY_ATTRIBUTES).sort(), declared.sort());
  });

  test('writes the properties that are set, as text', () => {
    assert.deepEqual(attributesOf({ sessionId: 'id', expiresAt: 4102444800000, hiddenDelay: 0, cancelUrl: undefined }), {
      'session-id': 'id',
      'expires-at': '4102444800000',
      'hidden-delay': '0',
    });
  });

  test('writes a frame only for a URL the element frames, titled in the language asked for', () => {
    assert.deepEqual(writtenFrame('https://pay.example/app/?sessionId=1', undefined), { src: 'https://pay.example/app/?sessionId=1', title: 'Bank payment' });
    assert.deepEqual(writtenFrame('http://127.0.0.1:4010/app/', 'fr-CA'), { src: 'http://127.0.0.1:4010/app/', title: 'Paiement bancaire' });
    // Plain http on a real host, other schemes, and what a server cannot resolve: none.
    for (const src of ['http://pay.example/app/', 'javascript:alert(1)', '/app/?sessionId=1', '//pay.example/app/', '', undefined, 42]) {
      assert.equal(writtenFrame(src, 'en'), undefined, String(src));
    }
  });

  test('escapes the frame it writes as HTML', () => {
    assert.equal(
      frameHtml({ src: 'https://pay.example/app/?a=1&b="2"', title: '<Bank>' }),
      '<iframe src="https://pay.example/app/?a=1&amp;b=&quot;2&quot;" title="&lt;Bank&gt;"></iframe>',
    );
  });
});
