/**
 * Which React prop listens to which of the element's events: `onBpsCloseRequest` for
 * `bps-close-request`, and so on. The mapped type makes this exhaustive (an event the element
 * adds without a prop here is a compile error) and the prop names impossible to misspell;
 * test/unit/manifest-wrappers.test.ts checks the same list against custom-elements.json.
 */
import type { BankPaySessionEventMap } from '../element/index.js';

export type BankPaySessionEventName = keyof BankPaySessionEventMap;

/** `bps-close-request` → `BpsCloseRequest` */
type PascalCase<Name extends string> = Name extends `${infer Head}-${infer Tail}`
  ? `${Capitalize<Head>}${PascalCase<Tail>}`
  : Capitalize<Name>;

/** `bps-close-request` → `onBpsCloseRequest` */
export type EventPropName<Name extends string> = `on${PascalCase<Name>}`;

export const EVENT_PROP_NAMES: { readonly [Name in BankPaySessionEventName]: EventPropName<Name> } = {
  'bps-ready': 'onBpsReady',
  'bps-step': 'onBpsStep',
  'bps-close-request': 'onBpsCloseRequest',
  'bps-cancel': 'onBpsCancel',
  'bps-exit': 'onBpsExit',
  'bps-restart': 'onBpsRestart',
  'bps-state-change': 'onBpsStateChange',
};

/** `onBpsExit?: (event: BpsExitEvent) => void`, one optional handler per event. */
export type BankPaySessionEventProps = {
  [Name in BankPaySessionEventName as EventPropName<Name>]?: (event: BankPaySessionEventMap[Name]) => void;
};
