/**
 * The element's events: `Event` subclasses whose data are own fields (so a listener reads
 * `event.reason`, not `event.detail.reason`), all bubbling and composed so they cross shadow
 * roots to the merchant's code. The global event map types `addEventListener('bps-…')`.
 */
import type { CancelReason } from '../protocol/cancel-request.js';
import type { StepMeaning } from '../protocol/steps.js';
import type { BankPaySession } from './bank-pay-session.js';
import type { CancelResult } from './delivery.js';
import type { ElementState, ExitReason } from './state-machine.js';

/** Every event names the session it concerns, so a late event of an old session is recognisable. */
abstract class BpsEvent extends Event {
  readonly sessionId: string;
  constructor(type: string, sessionId: string, cancelable = false) {
    super(type, { bubbles: true, composed: true, cancelable });
    this.sessionId = sessionId;
  }
}

/** The hosted flow is showing (its frame loaded or it posted `APP_MOUNTED`). */
export class BpsReadyEvent extends BpsEvent {
  constructor(sessionId: string) {
    super('bps-ready', sessionId);
  }
}

/** One step posted by the hosted flow, with the provider's other fields untouched. */
export class BpsStepEvent extends BpsEvent {
  readonly step: string;
  readonly meaning: StepMeaning;
  readonly data: Readonly<Record<string, unknown>>;
  constructor(sessionId: string, step: string, meaning: StepMeaning, data: Readonly<Record<string, unknown>>) {
    super('bps-step', sessionId);
    this.step = step;
    this.meaning = meaning;
    this.data = data;
  }
}

/**
 * The shopper pressed the close button. Cancelable: `preventDefault()` keeps the session
 * open (e.g. to ask for confirmation first, then call `element.cancel('close-button')`).
 */
export class BpsCloseRequestEvent extends BpsEvent {
  constructor(sessionId: string) {
    super('bps-close-request', sessionId, true);
  }
}

/** The outcome of the session's one cancel request: the fields of its `CancelResult`. */
export class BpsCancelEvent extends BpsEvent implements CancelResult {
  declare readonly reason: CancelReason;
  declare readonly outcome: CancelResult['outcome'];
  declare readonly status?: string;
  declare readonly statusDetails?: string;
  declare readonly retrying?: boolean;
  declare readonly error?: string;
  constructor(sessionId: string, result: CancelResult) {
    super('bps-cancel', sessionId);
    Object.assign(this, result);
  }
}

/** The session ended; fired once per session. */
export class BpsExitEvent extends BpsEvent {
  readonly reason: ExitReason;
  constructor(sessionId: string, reason: ExitReason) {
    super('bps-exit', sessionId);
    this.reason = reason;
  }
}

/** The shopper asked to start again; set a new session's attributes on the element. */
export class BpsRestartEvent extends BpsEvent {
  constructor(sessionId: string) {
    super('bps-restart', sessionId);
  }
}

/** The element's state changed. */
export class BpsStateChangeEvent extends BpsEvent {
  readonly state: ElementState;
  readonly previous: ElementState;
  constructor(sessionId: string, state: ElementState, previous: ElementState) {
    super('bps-state-change', sessionId);
    this.state = state;
    this.previous = previous;
  }
}

export interface BankPaySessionEventMap {
  'bps-ready': BpsReadyEvent;
  'bps-step': BpsStepEvent;
  'bps-close-request': BpsCloseRequestEvent;
  'bps-cancel': BpsCancelEvent;
  'bps-exit': BpsExitEvent;
  'bps-restart': BpsRestartEvent;
  'bps-state-change': BpsStateChangeEvent;
}

declare global {
  interface GlobalEventHandlersEventMap {
    'bps-ready': BpsReadyEvent;
    'bps-step': BpsStepEvent;
    'bps-close-request': BpsCloseRequestEvent;
    'bps-cancel': BpsCancelEvent;
    'bps-exit': BpsExitEvent;
    'bps-restart': BpsRestartEvent;
    'bps-state-change': BpsStateChangeEvent;
  }
  interface HTMLElementTagNameMap {
    'bank-pay-session': BankPaySession;
  }
}
