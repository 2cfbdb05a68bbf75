/** The three products served by `/api/v2/sessions` (docs/provider.md, "Products"). */

import type { CancelledSpelling } from './status.js';

export type Product = 'EFT' | 'GEFT' | 'e-Transfer';
export type SessionType = 'EFT' | 'e-Transfer';
export type Direction = 'DEBIT' | 'CREDIT';

export const PRODUCTS: readonly Product[] = ['EFT', 'GEFT', 'e-Transfer'];

/** Which product an initiate body asks for. */
export function productOf(type: SessionType, guaranteeEnabled: boolean): Product {
  if (type === 'e-Transfer') return 'e-Transfer';
  return guaranteeEnabled ? 'GEFT' : 'EFT';
}

/** GEFT pages spell it `Canceled`; EFT v2 and e-Transfer pages say `Cancelled`. */
export function cancelledSpellingFor(product: Product): CancelledSpelling {
  return product === 'GEFT' ? 'Canceled' : 'Cancelled';
}
