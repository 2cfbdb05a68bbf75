/**
 * The cancel token: proof that a cancel request concerns a session this merchant handed to a
 * page, valid until the session's expiry. `v1.<expiresAtMs>.<base64url HMAC-SHA256>` over the
 * session id and the expiry. Verifying needs only the keys, no store, so any number of relay
 * instances can check tokens minted by any merchant backend that holds a key.
 */

import { isSessionId } from '../protocol/session-id.js';
import { base64UrlToBytes, bytesToBase64Url } from './base64url.js';
import { hmacSha256, verifyHmacSha256 } from './hmac.js';
import { assertStrongTokenKey } from './key-strength.js';

const VERSION = 'v1';
// One spelling per token: the expiry in canonical decimal (no leading zero), the MAC in
// unpadded base64url. `v1.0<exp>.<mac>` would otherwise verify as the same token.
const TOKEN_PATTERN = /^v1\.([1-9]\d{0,14})\.([A-Za-z0-9_-]{43})$/;
const MAC_BYTES = 32;
const encoder = new TextEncoder();

export interface CancelTokenClaims {
  readonly sessionId: string;
  /** When the token stops being accepted: epoch milliseconds or a Date. */
  readonly expiresAt: number | Date;
}

export type CancelTokenVerification =
  | { readonly ok: true; readonly expiresAt: number }
  | { readonly ok: false; readonly reason: string };

/** The signed message. Session ids are compared case-insensitively, as UUIDs are. */
function signedMessage(sessionId: string, expiresAt: number): Uint8Array<ArrayBuffer> {
  return encoder.encode(`bank-pay-session cancel ${VERSION}\n${sessionId.toLowerCase()}\n${expiresAt}`);
}

function expiryMillis(expiresAt: number | Date): number {
  const millis = expiresAt instanceof Date ? expiresAt.getTime() : expiresAt;
  if (typeof millis !== 'number' || !Number.isFinite(millis) || millis <= 0 || millis >= 1e15) {
    throw new TypeError('expiresAt must be a valid Date or epoch milliseconds');
  }
  return Math.floor(millis);
}

/** Mints a token for one session; called by the merchant backend when it creates the session. */
export async function mintCancelToken({ sessionId, expiresAt }: CancelTokenClaims, key: string): Promise<string> {
  if (!isSessionId(sessionId)) throw new TypeError('sessionId must be the provider session UUID');
  assertStrongTokenKey(key);
  const expiry = expiryMillis(expiresAt);
  const mac = await hmacSha256(key, signedMessage(sessionId, expiry));
  return `${VERSION}.${expiry}.${bytesToBase64Url(mac)}`;
}

/**
 * Checks a token for a session against every key (the first key signs new tokens, the others
 * keep tokens minted before a rotation valid). The MAC is compared in constant time (hmac.ts).
 * The reason is for logs: it never repeats the token or a key.
 */
export async function verifyCancelToken(
  token: string,
  sessionId: string,
  keys: readonly string[],
  now: number = Date.now(),
): Promise<CancelTokenVerification> {
  if (keys.length === 0) return { ok: false, reason: 'no token keys configured' };
  if (!isSessionId(sessionId)) return { ok: false, reason: 'session id is not a UUID' };
  const match = typeof token === 'string' ? TOKEN_PATTERN.exec(token) : null;
  const mac = match ? base64UrlToBytes(match[2]!) : undefined;
  if (!match || !mac || mac.length !== MAC_BYTES) return { ok: false, reason: 'token is malformed' };
  const expiresAt = Number(match[1]);
  const message = signedMessage(sessionId, expiresAt);
  let signed = false;
  for (const key of keys) {
    if (await verifyHmacSha256(key, mac, message)) {
      signed = true;
      break;
    }
  }
  if (!signed) return { ok: false, reason: 'token signature does not match this session' };
  // Checked after the MAC so an unsigned token learns nothing about expiry handling.
  if (expiresAt <= now) return { ok: false, reason: 'token has expired' };
  return { ok: true, expiresAt };
}
