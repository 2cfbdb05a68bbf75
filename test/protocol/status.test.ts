import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEndedWithoutPayment, isStatusDetailsCode, isTerminalStatus, normalizeStatus, STATUS_DETAILS } from '../../src/protocol/status.js';
import { cancelledSpellingFor, productOf } from '../../src/protocol/products.js';

test('both cancelled spellings, any case, normalize to Cancelled', () => {
  for (const raw of ['Cancelled', 'Canceled', 'CANCELED', 'cancelled', ' Canceled ']) {
    assert.equal(normalizeStatus(raw), 'Cancelled', raw);
  }
});

test('unknown statuses are not guessed', () => {
  for (const raw of ['Cancel', '', 'Pending', 42, null, undefined, {}]) assert.equal(normalizeStatus(raw), undefined);
});

test('terminal statuses are exactly Completed, Failed, Cancelled and Expired', () => {
  assert.deepEqual(
    ['Initiated', 'Completed', 'Failed', 'Canceled', 'Expired', 'bogus'].map(isTerminalStatus),
    [false, true, true, true, true, false],
  );
});

test('only cancelled and expired sessions ended without a payment', () => {
  assert.deepEqual(['Initiated', 'Completed', 'Failed', 'canceled', 'Expired'].map(isEndedWithoutPayment), [false, false, false, true, true]);
});

test('every detail code belongs to its documented status', () => {
  assert.equal(STATUS_DETAILS.EFT0501.status, 'Cancelled');
  assert.equal(STATUS_DETAILS.EFT0601.status, 'Expired');
  assert.equal(STATUS_DETAILS.EFT0101.status, 'Initiated');
  assert.ok(isStatusDetailsCode('EFT0404'));
  assert.ok(!isStatusDetailsCode('EFT9999'));
  assert.ok(!isStatusDetailsCode('toString'));
});

test('GEFT spells Canceled, the other products Cancelled', () => {
  assert.equal(cancelledSpellingFor(productOf('EFT', true)), 'Canceled');
  assert.equal(cancelledSpellingFor(productOf('EFT', false)), 'Cancelled');
  assert.equal(cancelledSpellingFor(productOf('e-Transfer', false)), 'Cancelled');
});
