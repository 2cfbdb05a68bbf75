/**
 * The demo's one order: its lines, the tax, the total the session is created for, and how each
 * amount reads in the page's language (Intl, as the hosted page formats its own amount).
 */
import { localeOf, type DemoLang, type DemoText } from './strings.js';

interface OrderLine {
  readonly label: DemoText;
  /** In cents, so that sums are exact. */
  readonly cents: number;
}

const ITEMS: readonly OrderLine[] = [
  { label: 'item1', cents: 6499 },
  { label: 'item2', cents: 5004 },
];
const TAX_RATE = 0.13;

const subtotalCents = ITEMS.reduce((sum, item) => sum + item.cents, 0);
const taxCents = Math.round(subtotalCents * TAX_RATE);

export interface SummaryRow extends OrderLine {
  readonly kind: 'item' | 'subtotal' | 'tax' | 'total';
}

export const ORDER_SUMMARY: readonly SummaryRow[] = [
  ...ITEMS.map((item) => ({ ...item, kind: 'item' as const })),
  { kind: 'subtotal', label: 'subtotal', cents: subtotalCents },
  { kind: 'tax', label: 'tax', cents: taxCents },
  { kind: 'total', label: 'total', cents: subtotalCents + taxCents },
];

/** What the merchant server creates the provider session for, in dollars. */
export const ORDER_TOTAL = (subtotalCents + taxCents) / 100;

export function formatMoney(cents: number, lang: DemoLang): string {
  return new Intl.NumberFormat(localeOf(lang), { style: 'currency', currency: 'CAD' }).format(cents / 100);
}
