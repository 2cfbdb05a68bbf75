/**
 * Provider session statuses and their detail codes (docs/provider.md, "Statuses").
 * The one table of statuses in the project: the element, the relay and the sandbox all read it.
 */

export const SESSION_STATUSES = ['Initiated', 'Completed', 'Failed', 'Cancelled', 'Expired'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** The spelling the provider may send for a cancelled session: GEFT pages say `Canceled`. */
export type CancelledSpelling = 'Cancelled' | 'Canceled';

export type StatusDetailsCode =
  | 'EFT0101'
  | 'EFT0301'
  | 'EFT0302'
  | 'EFT0401'
  | 'EFT0402'
  | 'EFT0403'
  | 'EFT0404'
  | 'EFT0501'
  | 'EFT0601';

export interface StatusDetailsInfo {
  readonly status: SessionStatus;
  readonly meaning: string;
}

export const STATUS_DETAILS: Readonly<Record<StatusDetailsCode, StatusDetailsInfo>> = {
  EFT0101: { status: 'Initiated', meaning: 'created; the shopper has not finished' },
  EFT0301: { status: 'Completed', meaning: 'done; transactions scheduled' },
  EFT0302: { status: 'Completed', meaning: 'account validated, pre-authorized debit signature pending' },
  EFT0401: { status: 'Failed', meaning: 'bank login failed' },
  EFT0402: { status: 'Failed', meaning: 'no guarantee offered (GEFT)' },
  EFT0403: { status: 'Failed', meaning: 'payor identity did not match the account holder' },
  EFT0404: { status: 'Failed', meaning: 'insufficient balance (GEFT)' },
  EFT0501: { status: 'Cancelled', meaning: 'cancelled by the cancel endpoint' },
  EFT0601: { status: 'Expired', meaning: 'timed out: the onboarding timeout passed' },
};

export const FAILED_CODES = ['EFT0401', 'EFT0402', 'EFT0403', 'EFT0404'] as const satisfies readonly StatusDetailsCode[];
export type FailedCode = (typeof FAILED_CODES)[number];

export const TERMINAL_STATUSES: ReadonlySet<SessionStatus> = new Set(['Completed', 'Failed', 'Cancelled', 'Expired']);

export function isStatusDetailsCode(value: unknown): value is StatusDetailsCode {
  return typeof value === 'string' && Object.hasOwn(STATUS_DETAILS, value);
}

/** True for a status spelled exactly as the relay answers it (canonical; see normalizeStatus). */
export function isSessionStatus(value: unknown): value is SessionStatus {
  return (SESSION_STATUSES as readonly unknown[]).includes(value);
}

/**
 * Reads a status as the provider spells it (case-insensitive; `Canceled` and `Cancelled`
 * both mean cancelled) and returns the canonical name, or undefined for anything else.
 */
export function normalizeStatus(raw: unknown): SessionStatus | undefined {
  if (typeof raw !== 'string') return undefined;
  switch (raw.trim().toLowerCase()) {
    case 'initiated':
      return 'Initiated';
    case 'completed':
      return 'Completed';
    case 'failed':
      return 'Failed';
    case 'cancelled':
    case 'canceled':
      return 'Cancelled';
    case 'expired':
      return 'Expired';
    default:
      return undefined;
  }
}

/** True for a status after which the session can never change again. */
export function isTerminalStatus(raw: unknown): boolean {
  const status = normalizeStatus(raw);
  return status !== undefined && TERMINAL_STATUSES.has(status);
}

/** True when the session is over without a payment: the shopper must start again. */
export function isEndedWithoutPayment(raw: unknown): boolean {
  const status = normalizeStatus(raw);
  return status === 'Cancelled' || status === 'Expired';
}
