/** The element's public API, without registering anything (see `define.ts`). */
export { BankPaySession } from './bank-pay-session.js';
export {
  BpsCancelEvent,
  BpsCloseRequestEvent,
  BpsExitEvent,
  BpsReadyEvent,
  BpsRestartEvent,
  BpsStateChangeEvent,
  BpsStepEvent,
  type BankPaySessionEventMap,
} from './events.js';
export type { CancelResult } from './delivery.js';
export type { ElementState, ExitReason } from './state-machine.js';
export { ELEMENT_STATES } from './state-machine.js';
export type { CancelSignal } from './cancel-on.js';
export { DEFAULT_CANCEL_ON } from './cancel-on.js';
export type { Lang } from './strings.js';
export type { CancelReason, CancelResponse, CancelOutcome } from '../protocol/cancel-request.js';
