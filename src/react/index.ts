/**
 * `bank-pay-session/react`: the element as a React component (React 18 and 19).
 *
 *   import { BankPaySession } from 'bank-pay-session/react';
 *   <BankPaySession src={url} sessionId={id} cancelUrl="/bank-pay/cancel" cancelToken={token}
 *                   onBpsExit={(event) => console.log(event.reason)} />
 *
 * Importing it registers `<bank-pay-session>` (once, whatever else registered it).
 */
import * as React from 'react';
import { createBankPaySessionComponent } from './create-component.js';

export const BankPaySession = createBankPaySessionComponent(React);

export { createBankPaySessionComponent, type BankPaySessionComponent, type BankPaySessionProps } from './create-component.js';
export type { BankPaySessionElementProps } from './element-props.js';
export { EVENT_PROP_NAMES, type BankPaySessionEventName, type BankPaySessionEventProps, type EventPropName } from './event-props.js';
export type { BankPaySessionAttributes, BankPaySessionEventAttributes, BankPaySessionJsxProps } from './jsx.js';
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
