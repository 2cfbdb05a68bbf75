/**
 * The body a merchant sends to `POST /api/v2/sessions` (PROVIDER.md, "Initiate request
 * fields"), as the merchant writes it: optional parts may be left out and the provider fills
 * its defaults. The provider validates it and answers a 400 ProblemDetails naming bad fields.
 */

import type { Direction, SessionType } from '../protocol/products.js';

export interface InitiateSessionRequest {
  /** `EFT` (with `options.guarantee.enable` for GEFT) or `e-Transfer`. */
  readonly type: SessionType;
  /** `DEBIT`; e-Transfer also allows `CREDIT`. */
  readonly direction: Direction;
  /** Your order reference, at most 100 characters; it comes back in statuses and webhooks. */
  readonly referenceId: string;
  readonly currency?: 'CAD';
  /** Dollars, 0.01 to 99 999.99, two decimals at most. */
  readonly amount?: number;
  readonly options?: {
    readonly guarantee?: { readonly enable: boolean };
    readonly notificationPreferences?: { readonly language: 'EN' | 'FR' };
    readonly redirectPreferences?: { readonly mode: 'JsEvents' | 'Redirect'; readonly redirectUrl?: string };
  };
  readonly payor: {
    readonly firstName: string;
    readonly lastName: string;
    readonly email?: string;
    readonly phone?: string;
    readonly address?: {
      readonly addressLine1?: string;
      readonly addressLine2?: string;
      readonly city?: string;
      readonly province?: string;
      readonly postalCode?: string;
      readonly country?: string;
    };
  };
  /** The merchant's receiving account: needed for e-Transfer and GEFT. */
  readonly payee?: {
    readonly account: { readonly institutionCode: string; readonly transitNumber: string; readonly accountNumber: string };
  };
}
