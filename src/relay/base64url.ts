/** base64url without padding, with btoa/atob only so it runs on every fetch runtime. */

export function bytesToBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Undefined for anything that is not canonical unpadded base64url. */
export function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    return undefined;
  }
  // Reject non-canonical encodings (stray low bits in the last character) so one token has
  // exactly one spelling: 2 characters left over carry 4 unused bits, 3 carry 2.
  const tail = text.length % 4;
  if (tail !== 0) {
    const last = ALPHABET.indexOf(text[text.length - 1]!);
    if ((tail === 2 && (last & 0xf) !== 0) || (tail === 3 && (last & 0x3) !== 0)) return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Standard base64 of UTF-8 text, for HTTP Basic credentials. */
export function utf8ToBase64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
