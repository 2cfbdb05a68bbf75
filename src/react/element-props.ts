/**
 * The element properties the React component takes as props, with the element's own types.
 * A list rather than only a type so test/unit/manifest-wrappers.test.ts can hold it to the
 * manifest's property-backed attributes.
 */
import type { BankPaySession as BankPaySessionElement } from '../element/index.js';
import { PROPERTY_ATTRIBUTES, type SettableProperty } from '../element/markup.js';

export const ELEMENT_PROPERTIES = Object.keys(PROPERTY_ATTRIBUTES) as SettableProperty[];

/** `sessionId`, `cancelUrl`…: set on the element as properties, with the element's types. */
export type BankPaySessionElementProps = Partial<Pick<BankPaySessionElement, SettableProperty>>;
