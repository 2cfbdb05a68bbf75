import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CANCEL_REASONS, type CancelReason } from '../../src/protocol/cancel-request.js';
import type { SessionStatus } from '../../src/protocol/status.js';
import type { StepMeaning } from '../../src/protocol/steps.js';
import {
  ELEMENT_STATES,
  isLive,
  transition,
  type ElementState,
  type MachineInput,
} from '../../src/element/state-machine.js';

const STATUSES: readonly SessionStatus[] = ['Initiated', 'Completed', 'Failed', 'Cancelled', 'Expired'];
const MEANINGS: readonly StepMeaning[] = ['progress', 'completed', 'closed', 'ended'];

/** Runs inputs from a fresh session and returns every state, exit and cancel on the way. */
function run(inputs: readonly MachineInput[]) {
  let state: ElementState = 'loading';
  const exits: string[] = [];
  const cancels: CancelReason[] = [];
  for (const input of [{ type: 'start', valid: true } as const, ...inputs]) {
    const next = transition(state, input);
    if (!next) continue;
    state = next.state;
    if (next.exit) exits.push(next.exit);
    if (next.cancel) cancels.push(next.cancel);
  }
  return { state, exits, cancels };
}

describe('element state machine', () => {
  test('a session loads, shows the flow, and completes with one exit', () => {
    assert.deepEqual(run([{ type: 'ready' }, { type: 'step', meaning: 'progress' }, { type: 'step', meaning: 'completed' }]), {
      state: 'completed',
      exits: ['completed'],
      cancels: [],
    });
  });

  test('a first step shows the flow even before the frame load event', () => {
    assert.deepEqual(transition('loading', { type: 'step', meaning: 'progress' }), { state: 'active' });
    assert.equal(transition('active', { type: 'step', meaning: 'progress' }), undefined);
    assert.equal(transition('active', { type: 'ready' }), undefined);
  });

  test('a step that ends the flow for another reason fails the session without a cancel', () => {
    assert.deepEqual(transition('active', { type: 'step', meaning: 'ended' }), { state: 'failed', exit: 'failed' });
  });

  test('each abandonment cancels once and names where the shopper went', () => {
    const expected: Record<CancelReason, string> = {
      'close-button': 'closed',
      'flow-close': 'closed',
      api: 'closed',
      'tab-hidden': 'closed',
      'page-gone': 'closed', // sent by the browser (fetchLater), never fed to the machine
      'spa-navigation': 'navigated',
      'page-unload': 'unloaded',
      bfcache: 'unloaded',
    };
    for (const reason of CANCEL_REASONS) {
      for (const state of ['loading', 'active'] as const) {
        assert.deepEqual(transition(state, { type: 'abandon', reason }), { state: 'cancelling', exit: expected[reason], cancel: reason });
      }
    }
  });

  test('the cancel settling shows the cancelled state, whatever the relay answered', () => {
    assert.deepEqual(transition('cancelling', { type: 'settled' }), { state: 'cancelled' });
    assert.equal(transition('active', { type: 'settled' }), undefined);
  });

  test('nothing cancels once the flow completed, failed, expired, was cancelled or errored', () => {
    for (const state of ['completed', 'failed', 'expired', 'cancelled', 'cancelling', 'error'] as const) {
      for (const reason of CANCEL_REASONS) assert.equal(transition(state, { type: 'abandon', reason }), undefined, `${state} ${reason}`);
    }
  });

  test('expiry ends a live session without a cancel, and nothing else', () => {
    assert.deepEqual(transition('active', { type: 'expire' }), { state: 'expired', exit: 'expired' });
    assert.deepEqual(transition('loading', { type: 'expire' }), { state: 'expired', exit: 'expired' });
    for (const state of ['completed', 'failed', 'cancelling', 'cancelled', 'error'] as const) {
      assert.equal(transition(state, { type: 'expire' }), undefined, state);
    }
  });

  test('the provider status ends a live session the way the shopper sees it', () => {
    assert.equal(transition('active', { type: 'status', status: 'Initiated' }), undefined);
    assert.deepEqual(transition('active', { type: 'status', status: 'Completed' }), { state: 'completed', exit: 'completed' });
    assert.deepEqual(transition('active', { type: 'status', status: 'Failed' }), { state: 'failed', exit: 'failed' });
    assert.deepEqual(transition('active', { type: 'status', status: 'Cancelled' }), { state: 'cancelled', exit: 'expired' });
    assert.deepEqual(transition('loading', { type: 'status', status: 'Expired' }), { state: 'expired', exit: 'expired' });
    assert.equal(transition('cancelled', { type: 'status', status: 'Completed' }), undefined);
  });

  test('a refused src is an error with its own exit; a new session starts over from any state', () => {
    assert.deepEqual(transition('active', { type: 'start', valid: false }), { state: 'error', exit: 'error' });
    for (const state of ELEMENT_STATES) assert.deepEqual(transition(state, { type: 'start', valid: true }), { state: 'loading' });
  });

  test('only loading and active are live', () => {
    assert.deepEqual(ELEMENT_STATES.filter(isLive), ['loading', 'active']);
  });

  const anyInput: fc.Arbitrary<MachineInput> = fc.oneof(
    fc.constant({ type: 'ready' } as const),
    fc.constant({ type: 'settled' } as const),
    fc.constant({ type: 'expire' } as const),
    fc.constantFrom(...MEANINGS).map((meaning) => ({ type: 'step', meaning }) as const),
    fc.constantFrom(...CANCEL_REASONS).map((reason) => ({ type: 'abandon', reason }) as const),
    fc.constantFrom(...STATUSES).map((status) => ({ type: 'status', status }) as const),
  );

  test('whatever mix of signals fires, a session has at most one exit and one cancel', () => {
    fc.assert(
      fc.property(fc.array(anyInput, { maxLength: 30 }), (inputs) => {
        const { exits, cancels } = run(inputs);
        return exits.length <= 1 && cancels.length <= 1;
      }),
    );
  });

  test('no cancel after the flow completed or the session expired', () => {
    fc.assert(
      fc.property(fc.array(anyInput, { maxLength: 30 }), fc.array(anyInput, { maxLength: 30 }), (before, after) => {
        for (const ending of [{ type: 'step', meaning: 'completed' } as const, { type: 'expire' } as const]) {
          const head = run([...before, ending]);
          if (head.state !== 'completed' && head.state !== 'expired') continue;
          if (run([...before, ending, ...after]).cancels.length !== head.cancels.length) return false;
        }
        return true;
      }),
    );
  });
});
