/** Cancel-token keys must be long and random: the whole cancel authorisation rests on them. */

export const MIN_TOKEN_KEY_BYTES = 32;

/**
 * Why a key is too weak to sign cancel tokens, or undefined when it is fine. The answer never
 * contains the key itself, so it can go straight into an error message.
 */
export function tokenKeyWeakness(key: unknown): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'is empty';
  const bytes = new TextEncoder().encode(key).length;
  if (bytes < MIN_TOKEN_KEY_BYTES) return `is ${bytes} bytes long; at least ${MIN_TOKEN_KEY_BYTES} are needed`;
  // Catches placeholders such as "xxxxxxxx…" or "changeme changeme …" that pass the length test.
  if (new Set(key).size < 8) return 'uses fewer than 8 distinct characters; generate a random key';
  return undefined;
}

export function assertStrongTokenKey(key: unknown, label = 'the cancel-token key'): asserts key is string {
  const weakness = tokenKeyWeakness(key);
  if (weakness) {
    throw new TypeError(
      `${label} ${weakness} (for example: node -e "console.log(crypto.randomBytes(32).toString('base64url'))")`,
    );
  }
}
