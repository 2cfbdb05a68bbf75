/**
 * Typing for the bare `<bank-pay-session>` tag in React JSX, for those who use the tag instead
 * of the component (it needs `bank-pay-session/define` imported once). Attributes use their
 * HTML names, which React 18 and 19 both set as attributes. React 19 also listens to custom
 * events from `on` + the exact event name (`onbps-exit`); React 18 does not, so use the
 * component (or a ref and addEventListener) there.
 */
import type * as React from 'react';
import type { BankPaySession as BankPaySessionElement, BankPaySessionEventMap } from '../element/index.js';

export interface BankPaySessionAttributes {
  src?: string;
  'session-id'?: string;
  'cancel-url'?: string;
  'cancel-token'?: string;
  'status-url'?: string;
  'expires-at'?: string | number;
  'cancel-on'?: string;
  'hidden-delay'?: number | string;
  lang?: string;
}

/** React 19: `onbps-exit={(event) => event.reason}`. */
export type BankPaySessionEventAttributes = {
  [Name in keyof BankPaySessionEventMap as `on${Name}`]?: (event: BankPaySessionEventMap[Name]) => void;
};

export type BankPaySessionJsxProps = React.DetailedHTMLProps<React.HTMLAttributes<BankPaySessionElement>, BankPaySessionElement> &
  BankPaySessionAttributes &
  BankPaySessionEventAttributes;

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- React's JSX types live in a namespace
  namespace JSX {
    interface IntrinsicElements {
      'bank-pay-session': BankPaySessionJsxProps;
    }
  }
}
