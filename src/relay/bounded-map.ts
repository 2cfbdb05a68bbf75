/**
 * A Map that forgets its oldest entries beyond a size and entries past their own expiry.
 * The relay is stateless by design; the few things it remembers (a session already
 * cancelled, a webhook already seen, a client's request count) are per-instance
 * optimisations, so losing them under pressure is safe while unbounded growth is not.
 *
 * Every operation is O(1): a Map iterates in insertion order and a re-set key moves to the
 * newest end, so the first key is always the oldest write. Each write also drops up to two
 * expired entries from the old end, which keeps expired entries from piling up when writes
 * outnumber reads, without ever scanning the whole map.
 */
export class BoundedMap<K, V> {
  readonly #entries = new Map<K, { value: V; expiresAt: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  /** Stores a value until `expiresAt` (epoch ms); re-setting a key moves it to the newest end. */
  set(key: K, value: V, expiresAt: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt });
    this.#dropExpiredOldest(2);
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value as K);
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** The entries not yet expired, oldest write first (a copy: the map may change meanwhile). */
  entries(): Array<[K, V]> {
    const now = this.now();
    return [...this.#entries].filter(([, entry]) => entry.expiresAt > now).map(([key, entry]) => [key, entry.value]);
  }

  /** Drops at most `count` of the oldest entries, each only if it has expired. */
  #dropExpiredOldest(count: number): void {
    const now = this.now();
    for (const [key, entry] of this.#entries) {
      if (count-- <= 0 || entry.expiresAt > now) return;
      this.#entries.delete(key);
    }
  }
}
