/**
 * What the provider's answers mean for the relay (docs/provider.md, "Cancel"). Pure: replies in,
 * meanings out. Transient or unexpected answers become ProviderError so the retry loop can
 * tell them apart.
 */

import { errorFromReply, type ProviderReply } from './client.js';

export interface SessionStatusSnapshot {
  readonly status: string;
  readonly statusDetails: string;
  readonly referenceId: string | undefined;
}

export type CancelReplyMeaning =
  | { readonly kind: 'cancelled'; readonly snapshot: SessionStatusSnapshot }
  /** 400: the session is already Completed, Failed, Cancelled or Expired. */
  | { readonly kind: 'terminal' }
  | { readonly kind: 'not-found' };

function field(record: Record<string, unknown>, name: string): string | undefined {
  const value = record[name];
  return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : undefined;
}

/** Status fields of a provider body, or undefined when it has none. */
export function readStatusSnapshot(body: unknown): SessionStatusSnapshot | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const status = field(record, 'status');
  const statusDetails = field(record, 'statusDetails');
  if (!status || !statusDetails) return undefined;
  return { status, statusDetails, referenceId: field(record, 'referenceId') };
}

/** Throws ProviderError (transient or not) for anything but 200, 400 and 404. */
export function interpretCancelReply(reply: ProviderReply): CancelReplyMeaning {
  switch (reply.httpStatus) {
    case 200:
    case 204: {
      // The documented body carries the new status; without one, the 200 alone still means cancelled.
      const snapshot = readStatusSnapshot(reply.body) ?? { status: 'Cancelled', statusDetails: 'EFT0501', referenceId: undefined };
      return { kind: 'cancelled', snapshot };
    }
    case 400:
      return { kind: 'terminal' };
    case 404:
      return { kind: 'not-found' };
    default:
      throw errorFromReply('cancel', reply);
  }
}

export type StatusReplyMeaning =
  | { readonly kind: 'status'; readonly snapshot: SessionStatusSnapshot }
  | { readonly kind: 'not-found' };

export function interpretStatusReply(reply: ProviderReply): StatusReplyMeaning {
  if (reply.httpStatus === 404) return { kind: 'not-found' };
  const snapshot = reply.httpStatus === 200 ? readStatusSnapshot(reply.body) : undefined;
  if (snapshot) return { kind: 'status', snapshot };
  throw errorFromReply('status', reply);
}
