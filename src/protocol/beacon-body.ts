/**
 * The body of a request the element sends by beacon: beacons carry no headers and must use a
 * CORS-safelisted content type, so the body is `text/plain` JSON (`application/json` and
 * form-urlencoded pairs are accepted too). One decoder for every such request (cancel,
 * signals), so their rules cannot drift apart.
 */

/** Largest body the relay reads; a real request is a few hundred bytes. */
export const MAX_BEACON_BODY_BYTES = 2048;

/** Longest token accepted: a real one is well under 200 characters. */
export const MAX_TOKEN_LENGTH = 512;

export type BodyFailure =
  | { readonly ok: false; readonly code: 'unsupported-media-type'; readonly message: string }
  | { readonly ok: false; readonly code: 'malformed'; readonly message: string };

export type Decoded<T> = { readonly ok: true; readonly value: T } | BodyFailure;

export function malformed(message: string): BodyFailure {
  return { ok: false, code: 'malformed', message };
}

/** `text/plain;charset=UTF-8` → `text/plain`. */
export function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Decodes the body into an object of fields, refusing any field outside `allowed`.
 * The fields' values are checked by the caller.
 */
export function decodeBeaconBody(text: string, contentType: string | null | undefined, allowed: readonly string[]): Decoded<Record<string, unknown>> {
  const type = mediaType(contentType);
  let fields: Record<string, unknown>;
  if (type === 'application/x-www-form-urlencoded') {
    fields = {};
    for (const [key, value] of new URLSearchParams(text)) {
      if (Object.hasOwn(fields, key)) return malformed(`field ${key.slice(0, 40)} given twice`);
      fields[key] = value;
    }
  } else if (type === 'text/plain' || type === 'application/json') {
    let decoded: unknown;
    try {
      decoded = JSON.parse(text);
    } catch {
      return malformed('body is not valid JSON');
    }
    if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
      return malformed(`body must be an object with ${allowed.join(', ')}`);
    }
    fields = decoded as Record<string, unknown>;
  } else {
    return { ok: false, code: 'unsupported-media-type', message: 'content type must be text/plain (JSON) or application/x-www-form-urlencoded' };
  }
  const unknown = Object.keys(fields).find((key) => !allowed.includes(key));
  if (unknown !== undefined) return malformed(`unknown field: ${unknown.slice(0, 40)}`);
  return { ok: true, value: fields };
}

/** A token as sent: a non-empty, bounded string (its signature is the relay's business). */
export function isTokenShaped(token: unknown): token is string {
  return typeof token === 'string' && token.length > 0 && token.length <= MAX_TOKEN_LENGTH;
}
