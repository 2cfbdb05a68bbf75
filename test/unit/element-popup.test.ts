// The one rule that tells a shopper's close of the flow's window from a link cut by
// Cross-Origin-Opener-Policy, and the bounds the element works with.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { COOP_WINDOW_MS, FRAME_TIMEOUT_MS, linkCut, STATUS_POLL_MS, WINDOW_FEATURES, WINDOW_POLL_MS } from '../../src/element/popup.js';

describe('popup: closed or cut', () => {
  const openedAt = 1_000_000;

  test('read closed soon after opening, with nothing heard from the flow: COOP cut the link, not a close', () => {
    assert.equal(linkCut(false, openedAt, openedAt + 200), true);
    assert.equal(linkCut(false, openedAt, openedAt + COOP_WINDOW_MS - 1), true);
  });

  test('once the flow has posted anything, the link works: closed means closed, however soon', () => {
    assert.equal(linkCut(true, openedAt, openedAt + 200), false);
  });

  test('read closed after the COOP window: a close, even when the flow never posted', () => {
    assert.equal(linkCut(false, openedAt, openedAt + COOP_WINDOW_MS), false);
    assert.equal(linkCut(false, openedAt, openedAt + 60_000), false);
  });

  test('the bounds: a close is seen within a poll, COOP gets seconds, the frame its timeout, the relay a modest poll', () => {
    assert.ok(WINDOW_POLL_MS <= 100, 'a closed window is read at least ten times a second');
    assert.ok(COOP_WINDOW_MS >= 5000, 'COOP shows as closed when the page arrives: over a real network that takes seconds');
    assert.ok(FRAME_TIMEOUT_MS >= 2000 && FRAME_TIMEOUT_MS <= 10_000);
    assert.ok(STATUS_POLL_MS >= 2000, 'the relay is asked for the status at a modest pace');
    assert.doesNotMatch(WINDOW_FEATURES, /noopener|noreferrer/, 'the window must keep its opener: its messages are checked by source');
  });
});
