/** What the React and Vue demo checkouts share: the choices and their labels. */
import type { Product } from '../src/protocol/products.js';
import { DEMO_STRINGS, type DemoLang } from './strings.js';

export const PRODUCTS: ReadonlyArray<{ product: Product; label: (lang: DemoLang) => string }> = [
  { product: 'EFT', label: (lang) => DEMO_STRINGS[lang].productEFT },
  { product: 'GEFT', label: (lang) => DEMO_STRINGS[lang].productGEFT },
  { product: 'e-Transfer', label: (lang) => DEMO_STRINGS[lang].productETransfer },
];

/** The event's own fields, for the live log. */
export function describeEvent(event: Event): string {
  return Object.entries(event)
    .filter(([key, value]) => key !== 'isTrusted' && !key.startsWith('_') && value !== undefined && typeof value !== 'function')
    .map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' · ');
}

export interface LoggedEvent {
  readonly id: number;
  readonly time: string;
  readonly type: string;
  readonly detail: string;
}

let nextId = 0;
export function logEntry(event: Event): LoggedEvent {
  return { id: nextId++, time: new Date().toLocaleTimeString('en-CA', { hour12: false }), type: event.type, detail: describeEvent(event) };
}
