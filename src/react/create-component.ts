/**
 * The React component, made by @lit/react's createComponent: props that the element has are set
 * as properties (so no attribute round-trip), `on…` props listen to the element's events, and
 * the ref is the element itself.
 *
 * It takes React as an argument (as @lit/react does) so a page with two copies of React, or a
 * test that loads React its own way, gets a component bound to the React that renders it.
 */
import { createComponent, type EventName } from '@lit/react';
import type * as React from 'react';
import { BankPaySession as BankPaySessionElement } from '../element/define.js';
import type { BankPaySessionEventMap } from '../element/index.js';
import type { BankPaySessionElementProps } from './element-props.js';
import { eventsByPropName, type BankPaySessionEventName, type BankPaySessionEventProps, type EventPropName } from './event-props.js';

export type BankPaySessionProps = Omit<
  React.HTMLAttributes<BankPaySessionElement>,
  keyof BankPaySessionElementProps | keyof BankPaySessionEventProps
> &
  BankPaySessionElementProps &
  BankPaySessionEventProps &
  React.RefAttributes<BankPaySessionElement>;

export type BankPaySessionComponent = React.ForwardRefExoticComponent<BankPaySessionProps>;

/** createComponent's `events` option, typed so each `on…` prop gets its event's class. */
type LitReactEvents = {
  [Name in BankPaySessionEventName as EventPropName<Name>]: EventName<BankPaySessionEventMap[Name]>;
};

/** A React component for `<bank-pay-session>` bound to the given React; registers the tag if needed. */
export function createBankPaySessionComponent(react: typeof React): BankPaySessionComponent {
  return createComponent({
    react,
    tagName: 'bank-pay-session',
    elementClass: BankPaySessionElement,
    // The branded EventName strings exist only in types; at runtime they are the event names.
    events: eventsByPropName() as LitReactEvents,
    displayName: 'BankPaySession',
  });
}
