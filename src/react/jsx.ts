/**
 * Typing for the bare `<bank-pay-session>` tag in React JSX, for those who use the tag instead
 * of the component (it needs `bank-pay-session/define` imported once). Attributes use their
 * HTML names, which React 18 and 19 both set as attributes. React 19 also listens to custom
 * events from `on` + the exact event name (`onbps-exit`); React 18 does not, so use the
 * component (or a ref and addEventListener) there.
 */
import type * as React from 'react';
import type { BankPaySession as BankPaySessionElement, BankPaySessionEventMap } from '../element/index.js';
import { PROPERTY_ATTRIBUTES } from '../element/markup.js';

/**
 * The element's settable attributes (not `state`, which it reflects for styling). A list rather
 * than only a type so test/unit/manifest-wrappers.test.ts can hold it to custom-elements.json.
 */
export const BARE_TAG_ATTRIBUTES = Object.values(PROPERTY_ATTRIBUTES);

/** Attribute values are strings in HTML; React writes numbers as their text. */
export type BankPaySessionAttributes = { [Name in (typeof PROPERTY_ATTRIBUTES)[keyof typeof PROPERTY_ATTRIBUTES]]?: string | number };

/** React 19: `onbps-exit={(event) => event.reason}`. */
export type BankPaySessionEventAttributes = {
  [Name in keyof BankPaySessionEventMap as `on${Name}`]?: (event: BankPaySessionEventMap[Name]) => void;
};

export type BankPaySessionJsxProps = React.DetailedHTMLProps<React.HTMLAttributes<BankPaySessionElement>, BankPaySessionElement> &
  BankPaySessionAttributes &
  BankPaySessionEventAttributes;

declare module 'react' {

  namespace JSX {
    interface IntrinsicElements {
      'bank-pay-session': BankPaySessionJsxProps;
    }
  }
}
