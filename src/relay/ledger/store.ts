/**
 * Where the lease ledger keeps its entries, and the embedded default: this instance's memory.
 * A store knows no rules (rules.ts has them all): it reads an entry and replaces it only if
 * nobody changed it in between (compare-and-set on the stored text), and lists the entries
 * whose deadline has passed. Web-standard code only.
 */

export interface StoredEntry {
  /** The entry as stored (JSON); the compare-and-set compares exactly this text. */
  readonly text: string;
}

export interface EntryWrite {
  /** The new entry as JSON, or undefined to delete it. */
  readonly text: string | undefined;
  /** When the sweeper must look at it (epoch ms); undefined: never (a closed entry). */
  readonly dueAt: number | undefined;
  /** When the store may forget it (epoch ms). */
  readonly keepUntil: number;
}

export interface LedgerStore {
  /** True when entries outlive this relay instance (other instances share them). */
  readonly shared: boolean;
  get(sessionId: string): Promise<StoredEntry | undefined>;
  /**
   * Writes `write` if the entry is still `expected` (undefined: still absent). False when
   * someone changed it first; the caller reads again and reapplies the rules.
   */
  swap(sessionId: string, expected: StoredEntry | undefined, write: EntryWrite): Promise<boolean>;
  /** Session ids due at or before `now`, earliest first, at most `limit`. */
  due(now: number, limit: number): Promise<string[]>;
  /** Entries held, closed ones included (for the bench and tests). */
  size(): Promise<number>;
  /** Releases what the store opened itself (never a client it was given). */
  close(): Promise<void>;
}

export interface MemoryLedgerOptions {
  /**
   * Most sessions held at once. Past it the entries nearest to being forgotten go first, so a
   * flood of forged ids cannot grow memory without bound. Default 100 000.
   */
  readonly maxSessions?: number;
}

export const DEFAULT_MAX_SESSIONS = 100_000;

interface Held {
  readonly text: string;
  readonly dueAt: number | undefined;
  readonly keepUntil: number;
}

class MemoryLedgerStore implements LedgerStore {
  readonly shared = false;
  readonly #entries = new Map<string, Held>();
  readonly #maxSessions: number;
  readonly #now: () => number;

  constructor(maxSessions: number, now: () => number) {
    this.#maxSessions = maxSessions;
    this.#now = now;
  }

  async get(sessionId: string): Promise<StoredEntry | undefined> {
    const held = this.#live(sessionId);
    return held ? { text: held.text } : undefined;
  }

  async swap(sessionId: string, expected: StoredEntry | undefined, write: EntryWrite): Promise<boolean> {
    if (this.#live(sessionId)?.text !== expected?.text) return false;
    // Re-inserted, so the Map's order stays oldest write first for the eviction below.
    this.#entries.delete(sessionId);
    if (write.text === undefined) return true;
    if (this.#entries.size >= this.#maxSessions) this.#evictOne();
    this.#entries.set(sessionId, { text: write.text, dueAt: write.dueAt, keepUntil: write.keepUntil });
    return true;
  }

  async due(now: number, limit: number): Promise<string[]> {
    const due: Array<[string, number]> = [];
    for (const [id, held] of this.#entries) {
      if (held.keepUntil <= now) this.#entries.delete(id);
      else if (held.dueAt !== undefined && held.dueAt <= now) due.push([id, held.dueAt]);
    }
    return due
      .sort((a, b) => a[1] - b[1])
      .slice(0, limit)
      .map(([id]) => id);
  }

  async size(): Promise<number> {
    return this.#entries.size;
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }

  #live(sessionId: string): Held | undefined {
    const held = this.#entries.get(sessionId);
    if (held && held.keepUntil <= this.#now()) {
      this.#entries.delete(sessionId);
      return undefined;
    }
    return held;
  }

  /** The oldest write goes: a closed entry or a long-silent page, never one written just now. */
  #evictOne(): void {
    const oldest = this.#entries.keys().next();
    if (!oldest.done) this.#entries.delete(oldest.value);
  }
}

/** The ledger in this relay instance's memory: the embedded default, for one instance. */
export function createMemoryLedgerStore(options: MemoryLedgerOptions & { readonly now?: () => number } = {}): LedgerStore {
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  if (!Number.isInteger(maxSessions) || maxSessions < 1) throw new RangeError('maxSessions must be a positive integer');
  return new MemoryLedgerStore(maxSessions, options.now ?? Date.now);
}
