/** The body of `POST /sandbox/sessions/:id/force`, validated without I/O. */

import { normalizeStatus, STATUS_DETAILS, isStatusDetailsCode, type SessionStatus, type StatusDetailsCode } from '../protocol/status.js';
import { isPlainObject } from './body.js';
import type { FieldError } from './problem.js';

export interface ForceRequest {
  readonly status: Exclude<SessionStatus, 'Initiated'>;
  readonly statusDetails: StatusDetailsCode;
}

const DEFAULT_CODE: Readonly<Record<ForceRequest['status'], StatusDetailsCode>> = {
  Completed: 'EFT0301',
  Failed: 'EFT0401',
  Cancelled: 'EFT0501',
  Expired: 'EFT0601',
};

export type ForceValidation = { readonly ok: true; readonly value: ForceRequest } | { readonly ok: false; readonly errors: FieldError[] };

export function validateForceRequest(body: unknown): ForceValidation {
  if (!isPlainObject(body)) return { ok: false, errors: [{ field: 'body', message: 'must be a JSON object' }] };
  const unknown = Object.keys(body).find((key) => key !== 'status' && key !== 'statusDetails');
  if (unknown !== undefined) return { ok: false, errors: [{ field: unknown.slice(0, 40), message: 'is not a known field' }] };
  const status = normalizeStatus(body.status);
  if (status === undefined || status === 'Initiated') {
    return { ok: false, errors: [{ field: 'status', message: 'must be Completed, Failed, Cancelled or Expired' }] };
  }
  if (body.statusDetails === undefined || body.statusDetails === null) return { ok: true, value: { status, statusDetails: DEFAULT_CODE[status] } };
  if (!isStatusDetailsCode(body.statusDetails) || STATUS_DETAILS[body.statusDetails].status !== status) {
    const codes = Object.entries(STATUS_DETAILS)
      .filter(([, info]) => info.status === status)
      .map(([code]) => code);
    return { ok: false, errors: [{ field: 'statusDetails', message: `must be a ${status} code: ${codes.join(', ')}` }] };
  }
  return { ok: true, value: { status, statusDetails: body.statusDetails } };
}
