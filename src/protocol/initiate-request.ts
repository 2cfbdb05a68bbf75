/**
 * The body of `POST /api/v2/sessions` (docs/provider.md, "Initiate request fields"), as a merchant
 * writes it: optional parts may be left out and the provider fills its defaults. The relay's
 * `createSession` sends it; the sandbox validates it.
 */

import type { Direction, SessionType } from './products.js';

export type Language = 'EN' | 'FR';
export const REDIRECT_MODES = ['JsEvents', 'Redirect'] as const;
export type RedirectMode = (typeof REDIRECT_MODES)[number];

export const MAX_REFERENCE_ID_LENGTH = 100;
export const MIN_AMOUNT = 0.01;
export const MAX_AMOUNT = 99_999.99;

export interface Address {
  readonly addressLine1?: string;
  readonly addressLine2?: string;
  readonly city?: string;
  readonly province?: string;
  readonly postalCode?: string;
  readonly country?: string;
}

export interface Payor {
  readonly firstName: string;
  readonly lastName: string;
  readonly email?: string;
  readonly phone?: string;
  readonly address?: Address;
}

export interface PayeeAccount {
  /** 3 digits. */
  readonly institutionCode: string;
  /** 5 digits. */
  readonly transitNumber: string;
  /** 7 to 12 digits. */
  readonly accountNumber: string;
}

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
    readonly notificationPreferences?: { readonly language: Language };
    readonly redirectPreferences?: { readonly mode: RedirectMode; readonly redirectUrl?: string };
  };
  readonly payor: Payor;
  /** The merchant's receiving account: needed for e-Transfer and GEFT. */
  readonly payee?: { readonly account: PayeeAccount };
}
