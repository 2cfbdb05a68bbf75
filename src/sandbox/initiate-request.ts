/**
 * The initiate body of `POST /api/v2/sessions` (its shape is in src/protocol): the sandbox's
 * normalized form of it, and a pure validator that names every bad field by its dotted path.
 * Unknown fields are refused so that a typo in a merchant's request fails here and not in
 * production.
 */

import type { Direction, SessionType } from '../protocol/products.js';
import {
  MAX_AMOUNT,
  MAX_REFERENCE_ID_LENGTH,
  MIN_AMOUNT,
  REDIRECT_MODES,
  type Address,
  type Language,
  type PayeeAccount,
  type Payor,
  type RedirectMode,
} from '../protocol/initiate-request.js';
import { isPlainObject } from './body.js';
import type { FieldError } from './problem.js';

export { MAX_AMOUNT, MAX_REFERENCE_ID_LENGTH, MIN_AMOUNT, REDIRECT_MODES } from '../protocol/initiate-request.js';
export type { Address, Language, PayeeAccount, Payor, RedirectMode } from '../protocol/initiate-request.js';

export interface InitiateOptions {
  readonly guarantee: { readonly enable: boolean };
  readonly notificationPreferences: { readonly language: Language };
  readonly redirectPreferences: { readonly mode: RedirectMode; readonly redirectUrl?: string };
}

export interface InitiateRequest {
  readonly type: SessionType;
  readonly direction: Direction;
  readonly referenceId: string;
  readonly currency: 'CAD';
  /** Dollars with at most two decimals, or null when the request gave none. */
  readonly amount: number | null;
  readonly options: InitiateOptions;
  readonly payor: Payor;
  readonly payee?: { readonly account: PayeeAccount };
}

export type InitiateValidation =
  | { readonly ok: true; readonly value: InitiateRequest }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

const MAX_NAME_LENGTH = 100;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ().-]{7,30}$/;
const ADDRESS_FIELDS = ['addressLine1', 'addressLine2', 'city', 'province', 'postalCode', 'country'] as const;

/** Collects field errors while walking the body; each check returns the value or undefined. */
class Checker {
  readonly errors: FieldError[] = [];

  fail(field: string, message: string): undefined {
    this.errors.push({ field, message });
    return undefined;
  }

  /** An object whose keys are all in `allowed`; undefined (with an error if required) otherwise. */
  object(value: unknown, field: string, allowed: readonly string[], required: boolean): Record<string, unknown> | undefined {
    if (value === undefined || value === null) return required ? this.fail(field, 'is required') : undefined;
    if (!isPlainObject(value)) return this.fail(field, 'must be an object');
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.fail(field ? `${field}.${key}` : key, 'is not a known field');
    }
    return value;
  }

  string(value: unknown, field: string, required: boolean, maxLength = MAX_NAME_LENGTH): string | undefined {
    if (value === undefined || value === null) return required ? this.fail(field, 'is required') : undefined;
    if (typeof value !== 'string') return this.fail(field, 'must be a string');
    if (value.trim() === '') return this.fail(field, 'must not be empty');
    if (value.length > maxLength) return this.fail(field, `must be at most ${maxLength} characters`);
    return value;
  }

  oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], required: boolean): T | undefined {
    if (value === undefined || value === null) return required ? this.fail(field, 'is required') : undefined;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      return this.fail(field, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    }
    return value as T;
  }

  digits(value: unknown, field: string, min: number, max: number): string | undefined {
    const text = this.string(value, field, true, max);
    if (text === undefined) return undefined;
    if (!/^[0-9]+$/.test(text) || text.length < min) {
      return this.fail(field, min === max ? `must be exactly ${min} digits` : `must be ${min} to ${max} digits`);
    }
    return text;
  }
}

function checkAmount(check: Checker, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) return check.fail('amount', 'must be a number') ?? null;
  if (value < MIN_AMOUNT || value > MAX_AMOUNT) return check.fail('amount', `must be between ${MIN_AMOUNT} and ${MAX_AMOUNT}`) ?? null;
  if (Math.abs(value * 100 - Math.round(value * 100)) > 1e-6) return check.fail('amount', 'must have at most two decimals') ?? null;
  return value;
}

function checkOptions(check: Checker, value: unknown, type: SessionType | undefined): InitiateOptions {
  const options = check.object(value, 'options', ['guarantee', 'notificationPreferences', 'redirectPreferences'], false) ?? {};
  const guarantee = check.object(options.guarantee, 'options.guarantee', ['enable'], false) ?? {};
  let enable = false;
  if (guarantee.enable !== undefined && guarantee.enable !== null) {
    if (typeof guarantee.enable !== 'boolean') check.fail('options.guarantee.enable', 'must be true or false');
    else enable = guarantee.enable;
  }
  if (enable && type === 'e-Transfer') check.fail('options.guarantee.enable', 'a guarantee is offered for EFT sessions only');
  const notifications = check.object(options.notificationPreferences, 'options.notificationPreferences', ['language'], false) ?? {};
  const language = check.oneOf<Language>(notifications.language, 'options.notificationPreferences.language', ['EN', 'FR'], false) ?? 'EN';
  const redirect = check.object(options.redirectPreferences, 'options.redirectPreferences', ['mode', 'redirectUrl'], false) ?? {};
  const mode = check.oneOf(redirect.mode, 'options.redirectPreferences.mode', REDIRECT_MODES, false) ?? 'JsEvents';
  const redirectUrl = check.string(redirect.redirectUrl, 'options.redirectPreferences.redirectUrl', mode === 'Redirect', 2048);
  if (redirectUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(redirectUrl)) {
    check.fail('options.redirectPreferences.redirectUrl', 'must be an absolute http(s) URL');
  }
  return {
    guarantee: { enable },
    notificationPreferences: { language },
    redirectPreferences: redirectUrl === undefined ? { mode } : { mode, redirectUrl },
  };
}

function checkPayor(check: Checker, value: unknown): Payor | undefined {
  const payor = check.object(value, 'payor', ['firstName', 'lastName', 'email', 'phone', 'address'], true);
  if (!payor) return undefined;
  const firstName = check.string(payor.firstName, 'payor.firstName', true);
  const lastName = check.string(payor.lastName, 'payor.lastName', true);
  const email = check.string(payor.email, 'payor.email', false, 254);
  if (email !== undefined && !EMAIL.test(email)) check.fail('payor.email', 'must be an email address');
  const phone = check.string(payor.phone, 'payor.phone', false, 30);
  if (phone !== undefined && !PHONE.test(phone)) check.fail('payor.phone', 'must be a phone number');
  const rawAddress = check.object(payor.address, 'payor.address', ADDRESS_FIELDS, false);
  let address: Address | undefined;
  if (rawAddress) {
    const fields: Record<string, string> = {};
    for (const key of ADDRESS_FIELDS) {
      const text = check.string(rawAddress[key], `payor.address.${key}`, false, 200);
      if (text !== undefined) fields[key] = text;
    }
    address = fields;
  }
  if (firstName === undefined || lastName === undefined) return undefined;
  return {
    firstName,
    lastName,
    ...(email === undefined ? {} : { email }),
    ...(phone === undefined ? {} : { phone }),
    ...(address === undefined ? {} : { address }),
  };
}

function checkPayee(check: Checker, value: unknown): { account: PayeeAccount } | undefined {
  const payee = check.object(value, 'payee', ['account'], false);
  if (!payee) return undefined;
  const account = check.object(payee.account, 'payee.account', ['institutionCode', 'transitNumber', 'accountNumber'], true);
  if (!account) return undefined;
  const institutionCode = check.digits(account.institutionCode, 'payee.account.institutionCode', 3, 3);
  const transitNumber = check.digits(account.transitNumber, 'payee.account.transitNumber', 5, 5);
  const accountNumber = check.digits(account.accountNumber, 'payee.account.accountNumber', 7, 12);
  if (institutionCode === undefined || transitNumber === undefined || accountNumber === undefined) return undefined;
  return { account: { institutionCode, transitNumber, accountNumber } };
}

const TOP_LEVEL_FIELDS = ['type', 'direction', 'referenceId', 'currency', 'amount', 'options', 'payor', 'payee'];

export function validateInitiateRequest(body: unknown): InitiateValidation {
  const check = new Checker();
  if (!isPlainObject(body)) return { ok: false, errors: [{ field: 'body', message: 'must be a JSON object' }] };
  check.object(body, '', TOP_LEVEL_FIELDS, true);
  const type = check.oneOf<SessionType>(body.type, 'type', ['EFT', 'e-Transfer'], true);
  const directions: readonly Direction[] = type === 'e-Transfer' ? ['DEBIT', 'CREDIT'] : ['DEBIT'];
  const direction = check.oneOf(body.direction, 'direction', directions, true);
  const referenceId = check.string(body.referenceId, 'referenceId', true, MAX_REFERENCE_ID_LENGTH);
  check.oneOf(body.currency, 'currency', ['CAD'], false);
  const amount = checkAmount(check, body.amount);
  const options = checkOptions(check, body.options, type);
  const payor = checkPayor(check, body.payor);
  const payee = checkPayee(check, body.payee);
  if (check.errors.length > 0 || !type || !direction || referenceId === undefined || !payor) {
    return { ok: false, errors: check.errors.length > 0 ? check.errors : [{ field: 'body', message: 'is invalid' }] };
  }
  return {
    ok: true,
    value: { type, direction, referenceId, currency: 'CAD', amount, options, payor, ...(payee ? { payee } : {}) },
  };
}
