/**
 * HMAC-SHA256 for the cancel token, verified on every request. Web Crypto everywhere; on
 * runtimes that expose Node's crypto module (`process.getBuiltinModule`: Node 20.16+, Bun,
 * Deno) the synchronous `createHmac` instead, which costs a few microseconds where a Web
 * Crypto call hops to a worker thread and back (the relay's largest cost per cancel in the
 * bench). Both compute the same MAC and compare it in constant time.
 */

interface NodeCrypto {
  createHmac(algorithm: 'sha256', key: object): { update(data: Uint8Array): { digest(): Uint8Array } };
  createSecretKey(key: Uint8Array): object;
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
}

function loadNodeCrypto(): NodeCrypto | undefined {
  try {
    const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
    const module = get?.('node:crypto') as Partial<NodeCrypto> | undefined;
    return typeof module?.createHmac === 'function' && typeof module.createSecretKey === 'function' && typeof module.timingSafeEqual === 'function' ? (module as NodeCrypto) : undefined;
  } catch {
    return undefined;
  }
}

const nodeCrypto = loadNodeCrypto();
const encoder = new TextEncoder();

// Importing a key is the slow part of an HMAC; the relay uses the same few keys all day.
const keyCache = new Map<string, Promise<CryptoKey>>();
const nodeKeyCache = new Map<string, object>();
const KEY_CACHE_LIMIT = 16;

function nodeKey(crypto: NodeCrypto, secret: string): object {
  let key = nodeKeyCache.get(secret);
  if (!key) {
    key = crypto.createSecretKey(encoder.encode(secret));
    if (nodeKeyCache.size >= KEY_CACHE_LIMIT) nodeKeyCache.delete(nodeKeyCache.keys().next().value!);
    nodeKeyCache.set(secret, key);
  }
  return key;
}

function webKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value!);
    keyCache.set(secret, key);
  }
  return key;
}

export async function hmacSha256(secret: string, message: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  if (nodeCrypto) return new Uint8Array(nodeCrypto.createHmac('sha256', nodeKey(nodeCrypto, secret)).update(message).digest());
  return new Uint8Array(await crypto.subtle.sign('HMAC', await webKey(secret), message));
}

/** True when `mac` is the HMAC of `message` under `secret`; constant-time comparison. */
export async function verifyHmacSha256(secret: string, mac: Uint8Array<ArrayBuffer>, message: Uint8Array<ArrayBuffer>): Promise<boolean> {
  if (nodeCrypto) {
    const expected = nodeCrypto.createHmac('sha256', nodeKey(nodeCrypto, secret)).update(message).digest();
    return expected.length === mac.length && nodeCrypto.timingSafeEqual(expected, mac);
  }
  return crypto.subtle.verify('HMAC', await webKey(secret), mac, message);
}
