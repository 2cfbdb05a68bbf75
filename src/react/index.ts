'use client';
/**
 * `bank-pay-session/react`: the element as a React component (React 18 and 19).
 *
 *   import { BankPaySession } from 'bank-pay-session/react';
 *   <BankPaySession src={url} sessionId={id} cancelUrl="/bank-pay/cancel" cancelToken={token}
 *                   onBpsExit={(event) => console.log(event.reason)} />
 *
 * Importing it registers `<bank-pay-session>` (once, whatever else registered it).
 *
 * A client module (`'use client'`, kept in the build): a React Server Component can import and
 * render it (its props must then be serializable, so no `on…` handlers there), and the server
 * HTML carries the element's attributes and the hosted flow's frame.
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
