/**
 * `bank-pay-session/vue`: the element as a Vue 3 component.
 *
 *   import { BankPaySession } from 'bank-pay-session/vue';
 *   <BankPaySession :src="url" :session-id="id" cancel-url="/bank-pay/cancel" :cancel-token="token"
 *                   @bps-exit="(event) => log(event.reason)" />
 *
 * Importing it registers `<bank-pay-session>` (once, whatever else registered it).
 */
import type { Plugin } from 'vue';
import { BankPaySession } from './component.js';

export { BankPaySession };
export type { BankPaySessionInstance } from './component.js';
export { bankPaySessionEmits, bankPaySessionProps, EVENT_NAMES, type BankPaySessionEventName } from './props.js';

/** `app.use(BankPaySessionPlugin)` registers `<BankPaySession>` for every template of the app. */
export const BankPaySessionPlugin: Plugin = {
  install(app) {
    app.component('BankPaySession', BankPaySession);
  },
};

declare module 'vue' {
  interface GlobalComponents {
    BankPaySession: typeof BankPaySession;
  }
}

export type {
  BankPaySession as BankPaySessionElement,
  BankPaySessionEventMap,
  BpsCancelEvent,
  BpsCloseRequestEvent,
  BpsExitEvent,
  BpsReadyEvent,
  BpsRestartEvent,
  BpsStateChangeEvent,
  BpsStepEvent,
  CancelReason,
  CancelResult,
  ElementState,
  ExitReason,
} from '../element/index.js';
