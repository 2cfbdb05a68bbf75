/**
 * The provider's `SessionSetupStatusChanged` webhook: its body and its signature,
 * `X-Webhook-Signature: sha256=<HEX>`, an HMAC-SHA256 of the raw body bytes with the
 * webhook secret, upper-case hex. Web Crypto only, so it runs in Node and any fetch runtime.
 * The sandbox signs with it; the relay verifies with it.
 */

export const WEBHOOK_SIGNATURE_HEADER = 'X-Webhook-Signature';
export const WEBHOOK_EVENT_TYPE = 'SessionSetupStatusChanged';

/** The exact JSON the sandbox sends (the provider's is not published). */
export interface WebhookPayload {
  readonly eventType: typeof WEBHOOK_EVENT_TYPE;
  readonly sessionId: string;
  readonly referenceId: string;
  readonly amount: number | null;
  readonly status: string;
  readonly statusDetails: string;
  /** ISO 8601 time the status changed; the relay refuses deliveries that are too old. */
  readonly when: string;
}

const encoder = new TextEncoder();

async function hmacKey(secret: string, usage: KeyUsage): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

function toHex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('').toUpperCase();
}

function fromHex(hex: string): Uint8Array | undefined {
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-f]+$/i.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function asBytes(body: string | Uint8Array): Uint8Array<ArrayBuffer> {
  return typeof body === 'string' ? encoder.encode(body) : new Uint8Array(body);
}

/** The header value for a body: `sha256=` and upper-case hex. */
export async function signWebhook(body: string | Uint8Array, secret: string): Promise<string> {
  const key = await hmacKey(secret, 'sign');
  return `sha256=${toHex(await crypto.subtle.sign('HMAC', key, asBytes(body)))}`;
}

/**
 * Checks a signature header against the raw body. Hex is compared case-insensitively;
 * `crypto.subtle.verify` compares the MAC in constant time.
 */
export async function verifyWebhookSignature(
  body: string | Uint8Array,
  header: string | null | undefined,
  secret: string,
): Promise<boolean> {
  if (!header) return false;
  const match = /^sha256=([0-9a-f]+)$/i.exec(header.trim());
  const mac = match ? fromHex(match[1]!) : undefined;
  if (!mac || mac.length !== 32) return false;
  const key = await hmacKey(secret, 'verify');
  return crypto.subtle.verify('HMAC', key, new Uint8Array(mac), asBytes(body));
}
