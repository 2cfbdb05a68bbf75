import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CANCEL_REASONS, type CancelReason } from '../../src/protocol/cancel-request.js';
import type { SessionStatus } from '../../src/protocol/status.js';
import type { StepMeaning } from '../../src/protocol/steps.js';
import {
  ELEMENT_STATES,
  isLive,
  MOVES_FROM,
  transition,
  type ElementState,
  type MachineInput,
  type MoveTarget,
} from '../../src/element/state-machine.js';

const STATUSES: readonly SessionStatus[] = ['Initiated', 'Completed', 'Failed', 'Cancelled', 'Expired'];
const MEANINGS: readonly StepMeaning[] = ['progress', 'completed', 'closed', 'ended'];
const MOVE_TARGETS = Object.keys(MOVES_FROM) as MoveTarget[];
const move = (to: MoveTarget) => ({ type: 'move', to }) as const;

/** Runs inputs from a fresh session and returns every state, exit and cancel on the way. */
function run(inputs: readonly MachineInput[], popup = false) {
  let state: ElementState = 'loading';
  const exits: string[] = [];
  const cancels: CancelReason[] = [];
  for (const input of [{ type: 'start', valid: true, popup } as const, ...inputs]) {
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

  test('the cancel settling shows the cancelled state, unless its answer says the payment was already decided', () => {
    assert.deepEqual(transition('cancelling', { type: 'settled' }), { state: 'cancelled' });
    for (const status of ['Cancelled', 'Expired', 'Initiated'] as const) {
      assert.deepEqual(transition('cancelling', { type: 'settled', status }), { state: 'cancelled' }, status);
    }
    // Too late: the shopper had paid (or the bank refused) before the cancel reached the provider.
    assert.deepEqual(transition('cancelling', { type: 'settled', status: 'Completed' }), { state: 'completed', exit: 'completed' });
    assert.deepEqual(transition('cancelling', { type: 'settled', status: 'Failed' }), { state: 'failed', exit: 'failed' });
    assert.equal(transition('active', { type: 'settled', status: 'Completed' }), undefined);
    assert.equal(transition('cancelled', { type: 'settled', status: 'Completed' }), undefined);
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
    assert.deepEqual(transition('launch', { type: 'start', valid: false, popup: true }), { state: 'error', exit: 'error' });
    for (const state of ELEMENT_STATES) {
      assert.deepEqual(transition(state, { type: 'start', valid: true }), { state: 'loading' });
      assert.deepEqual(transition(state, { type: 'start', valid: true, popup: true }), { state: 'launch' }, 'popup mode starts at the launcher');
    }
  });

  test('the framed states and the window states are live; the rest are over', () => {
    assert.deepEqual(ELEMENT_STATES.filter(isLive), ['loading', 'active', 'launch', 'blocked', 'window', 'detached']);
  });

  const anyInput: fc.Arbitrary<MachineInput> = fc.oneof(
    fc.constant({ type: 'ready' } as const),
    fc.constantFrom(...MOVE_TARGETS).map((to) => ({ type: 'move', to }) as const),
    fc.constant({ type: 'settled' } as const),
    fc.constant({ type: 'expire' } as const),
    fc.constantFrom(...MEANINGS).map((meaning) => ({ type: 'step', meaning }) as const),
    fc.constantFrom(...CANCEL_REASONS).map((reason) => ({ type: 'abandon', reason }) as const),
    fc.constantFrom(...STATUSES).map((status) => ({ type: 'status', status }) as const),
  );

  test('whatever mix of signals fires, a session has at most one exit and one cancel', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(anyInput, { maxLength: 30 }), (popup, inputs) => {
        const { exits, cancels } = run(inputs, popup);
        return exits.length <= 1 && cancels.length <= 1;
      }),
    );
  });

  test('a window that reads closed too soon to be a close (COOP) never cancels, whatever follows but an abandonment', () => {
    const notAbandon = anyInput.filter((input) => input.type !== 'abandon');
    fc.assert(
      fc.property(fc.array(notAbandon, { maxLength: 30 }), (after) => {
        const cut: MachineInput[] = [move('window'), move('detached')];
        return run(cut, true).state === 'detached' && run([...cut, ...after], true).cancels.length === 0;
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

describe('element state machine: the flow in a window', () => {
  /** Every move, and the states it is allowed from; from anywhere else it changes nothing. */
  const ALLOWED: Record<MoveTarget, readonly ElementState[]> = {
    launch: ['active', 'window'],
    error: ['active'],
    window: ['launch'],
    blocked: ['launch'],
    detached: ['window'],
  };

  test('each move goes only from the states it names, and only the silent iframe ends the session (an error, no cancel)', () => {
    for (const to of MOVE_TARGETS) {
      for (const state of ELEMENT_STATES) {
        const next = transition(state, move(to));
        if (!ALLOWED[to].includes(state)) assert.equal(next, undefined, `${state} → ${to}`);
        else assert.deepEqual(next, to === 'error' ? { state: 'error', exit: 'error' } : { state: to }, `${state} → ${to}`);
      }
    }
  });

  test('a silent frame: auto offers the window, iframe errors once; a frame still loading is never silent', () => {
    assert.equal(run([{ type: 'ready' }, move('launch')]).state, 'launch');
    assert.deepEqual(run([{ type: 'ready' }, move('error'), move('error')]), { state: 'error', exits: ['error'], cancels: [] });
    assert.equal(transition('loading', move('launch')), undefined);
  });

  test('the launcher opens the window, or offers the link when the browser refused it', () => {
    assert.equal(run([move('window')], true).state, 'window');
    assert.equal(run([move('blocked')], true).state, 'blocked');
    assert.equal(run([move('blocked'), move('window')], true).state, 'blocked', 'no window to watch once refused');
  });

  test('the shopper closing the window is an abandonment (a close): one cancel, one exit; a second close changes nothing', () => {
    const close = { type: 'abandon', reason: 'close-button' } as const;
    assert.deepEqual(run([move('window'), close, { type: 'settled' }, close, move('launch')], true), {
      state: 'cancelled',
      exits: ['closed'],
      cancels: ['close-button'],
    });
  });

  test('a close that cancel-on keeps from cancelling brings the launcher back; a cut link (COOP) detaches, and stays detached', () => {
    assert.equal(run([move('window'), move('launch')], true).state, 'launch');
    assert.equal(run([move('window'), move('detached'), move('launch'), move('window')], true).state, 'detached');
  });

  test('in a window, the flow completes or fails by its messages or by the relay’s status, with no cancel', () => {
    assert.deepEqual(transition('window', { type: 'step', meaning: 'completed' }), { state: 'completed', exit: 'completed' });
    assert.deepEqual(transition('window', { type: 'step', meaning: 'ended' }), { state: 'failed', exit: 'failed' });
    assert.equal(transition('window', { type: 'step', meaning: 'progress' }), undefined);
    assert.equal(transition('window', { type: 'ready' }), undefined);
    for (const state of ['window', 'detached', 'launch', 'blocked'] as const) {
      assert.deepEqual(transition(state, { type: 'status', status: 'Completed' }), { state: 'completed', exit: 'completed' }, state);
      assert.equal(transition(state, { type: 'status', status: 'Initiated' }), undefined, state);
      assert.deepEqual(transition(state, { type: 'expire' }), { state: 'expired', exit: 'expired' }, state);
    }
  });

  test('every way of leaving cancels a session in a window, as it does a framed one', () => {
    for (const state of ['launch', 'blocked', 'window', 'detached'] as const) {
      for (const reason of CANCEL_REASONS) assert.equal(transition(state, { type: 'abandon', reason })?.cancel, reason, `${state} ${reason}`);
    }
  });
});
