// The bounds the element works with in popup and auto modes. The rule that tells a shopper's
// close of the flow's window from a link cut by COOP (closed within COOP_WINDOW_MS of opening,
// with nothing heard) runs in the element, where the browser tests drive both sides of it
// (test/element/popup.test.ts) and the end-to-end tests a real COOP page.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { COOP_WINDOW_MS, FRAME_TIMEOUT_MS, STATUS_POLL_MS, WINDOW_FEATURES, WINDOW_POLL_MS } from '../../src/element/popup.js';

describe('popup: the bounds', () => {
  test('a close is seen within a poll, COOP gets seconds, the frame its timeout, the relay a modest poll', () => {
    assert.ok(WINDOW_POLL_MS <= 100, 'a closed window is read at least ten times a second');
    assert.ok(COOP_WINDOW_MS >= 5000, 'COOP shows as closed when the page arrives: over a real network that takes seconds');
    assert.ok(FRAME_TIMEOUT_MS >= 2000 && FRAME_TIMEOUT_MS <= 10_000);
    assert.ok(STATUS_POLL_MS >= 2000 && STATUS_POLL_MS <= 10_000, 'the relay is asked for the status at a modest pace');
    assert.doesNotMatch(WINDOW_FEATURES, /noopener|noreferrer/, 'the window must keep its opener: its messages are checked by source');
  });
});
