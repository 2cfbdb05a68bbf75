/**
 * A sandbox session and the pure rules about it: how it is created from an initiate
 * request, how its status is spelled per product, which transitions are allowed, and the
 * exact JSON each provider endpoint answers with.
 */

import { cancelledSpellingFor, productOf, type Direction, type Product, type SessionType } from '../protocol/products.js';
import { STATUS_DETAILS, TERMINAL_STATUSES, type SessionStatus, type StatusDetailsCode } from '../protocol/status.js';
import type { InitiateOptions, InitiateRequest, Language, Payor } from './initiate-request.js';

export interface SandboxSession {
  readonly sessionId: string;
  readonly referenceId: string;
  readonly clientId: string;
  readonly product: Product;
  readonly type: SessionType;
  readonly direction: Direction;
  readonly currency: 'CAD';
  readonly amount: number | null;
  readonly options: InitiateOptions;
  readonly payor: Payor;
  readonly payee: InitiateRequest['payee'];
  /** Canonical status; `spelledStatus` gives the product's spelling. */
  status: SessionStatus;
  statusDetails: StatusDetailsCode;
  /** The last hosted-flow step the shopper reached, or null before the page was opened. */
  step: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  updatedAt: number;
  /** When the session became terminal. */
  endedAt: number | null;
}

export function createSession(
  request: InitiateRequest,
  clientId: string,
  sessionId: string,
  now: number,
  timeoutMs: number,
): SandboxSession {
  return {
    sessionId,
    referenceId: request.referenceId,
    clientId,
    product: productOf(request.type, request.options.guarantee.enable),
    type: request.type,
    direction: request.direction,
    currency: request.currency,
    amount: request.amount,
    options: request.options,
    payor: request.payor,
    payee: request.payee,
    status: 'Initiated',
    statusDetails: 'EFT0101',
    step: null,
    createdAt: now,
    expiresAt: now + timeoutMs,
    updatedAt: now,
    endedAt: null,
  };
}

export function isTerminal(session: SandboxSession): boolean {
  return TERMINAL_STATUSES.has(session.status);
}

/** The status as this product's API spells it: GEFT says `Canceled`, the others `Cancelled`. */
export function spelledStatus(session: Pick<SandboxSession, 'status' | 'product'>): string {
  return session.status === 'Cancelled' ? cancelledSpellingFor(session.product) : session.status;
}

export function languageOf(session: SandboxSession): Language {
  return session.options.notificationPreferences.language;
}

export function isExpiryDue(session: SandboxSession, now: number): boolean {
  return session.status === 'Initiated' && now >= session.expiresAt;
}

export type TransitionRefusal = 'already-terminal' | 'code-mismatch';

/**
 * Moves a live session to a terminal status. Only Initiated sessions move, and the code
 * must belong to the status (EFT0401 is a Failed code, not a Completed one).
 */
export function checkTransition(
  session: SandboxSession,
  status: SessionStatus,
  statusDetails: StatusDetailsCode,
): TransitionRefusal | undefined {
  if (isTerminal(session)) return 'already-terminal';
  if (STATUS_DETAILS[statusDetails].status !== status) return 'code-mismatch';
  return undefined;
}

const ISO = (ms: number): string => new Date(ms).toISOString();

/** `GET /api/v2/sessions/{id}/status`. */
export function statusView(session: SandboxSession) {
  return {
    sessionId: session.sessionId,
    referenceId: session.referenceId,
    amount: session.amount,
    status: spelledStatus(session),
    statusDetails: session.statusDetails,
  };
}

/** `POST /api/v2/sessions/{id}/cancel`, 200. */
export function cancelView(session: SandboxSession) {
  return {
    sessionId: session.sessionId,
    referenceId: session.referenceId,
    status: spelledStatus(session),
    statusDetails: session.statusDetails,
  };
}

/** `GET /api/v2/sessions/{id}/details`: the whole session as the merchant sent it, plus its state. */
export function detailsView(session: SandboxSession) {
  return {
    sessionId: session.sessionId,
    referenceId: session.referenceId,
    type: session.type,
    direction: session.direction,
    currency: session.currency,
    amount: session.amount,
    status: spelledStatus(session),
    statusDetails: session.statusDetails,
    step: session.step,
    payor: session.payor,
    ...(session.payee ? { payee: session.payee } : {}),
    options: session.options,
    createdAt: ISO(session.createdAt),
    updatedAt: ISO(session.updatedAt),
    expiresAt: ISO(session.expiresAt),
  };
}

/** The test controls' view: everything, including what the provider API does not show. */
export function controlView(session: SandboxSession) {
  return {
    ...detailsView(session),
    clientId: session.clientId,
    product: session.product,
    endedAt: session.endedAt === null ? null : ISO(session.endedAt),
  };
}
