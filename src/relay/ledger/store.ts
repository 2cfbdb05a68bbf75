/**
 * Where the lease ledger keeps its entries, and the embedded default: this instance's memory.
 * A store knows no rules (rules.ts has them all): it reads an entry and replaces it only if
 * nobody changed it in between (compare-and-set on the stored text), and lists the entries
 * whose deadline has passed. Web-standard code only.
 */

import { MinHeap } from '../min-heap.js';

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
  /**
   * True when entries outlive this relay instance (other instances share them). A store that is
   * not shared lives in this process and answers without I/O, so its calls are not timed out.
   */
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
  /** Which write this is: a heap item for an older write of the same id is stale. */
  readonly version: number;
}

interface HeapItem {
  readonly id: string;
  readonly version: number;
}

/**
 * Entries in a Map (oldest write first, for eviction), plus two min-heaps with lazy deletion:
 * one by due time, so a sweep reads only what is due instead of scanning every entry, and one
 * by keep-until, so forgetting old entries costs only the ones forgotten. A rewrite leaves its
 * older heap items behind as stale; they are skipped when popped, and the heaps are rebuilt
 * when stale items outnumber live entries, which keeps every operation amortised O(log n).
 */
class MemoryLedgerStore implements LedgerStore {
  readonly shared = false;
  readonly #entries = new Map<string, Held>();
  readonly #due = new MinHeap<HeapItem>();
  readonly #forget = new MinHeap<HeapItem>();
  readonly #maxSessions: number;
  readonly #now: () => number;
  #version = 0;

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
    const version = ++this.#version;
    this.#entries.set(sessionId, { text: write.text, dueAt: write.dueAt, keepUntil: write.keepUntil, version });
    if (write.dueAt !== undefined) this.#due.push(write.dueAt, { id: sessionId, version });
    this.#forget.push(write.keepUntil, { id: sessionId, version });
    if (this.#due.size + this.#forget.size > 4 * this.#entries.size + 1024) this.#rebuild();
    return true;
  }

  async due(now: number, limit: number): Promise<string[]> {
    this.#forgetUntil(now);
    const due: string[] = [];
    const seen: Array<[number, HeapItem]> = [];
    while (due.length < limit && (this.#due.peekKey() ?? Infinity) <= now) {
      const key = this.#due.peekKey()!;
      const item = this.#due.pop()!;
      if (!this.#current(item)) continue;
      due.push(item.id);
      seen.push([key, item]);
    }
    // Still due until a write moves them: put back for the next sweep.
    for (const [key, item] of seen) this.#due.push(key, item);
    return due;
  }

  async size(): Promise<number> {
    return this.#entries.size;
  }

  async close(): Promise<void> {
    this.#entries.clear();
    this.#due.clear();
    this.#forget.clear();
  }

  #current(item: HeapItem): boolean {
    return this.#entries.get(item.id)?.version === item.version;
  }

  #forgetUntil(now: number): void {
    while ((this.#forget.peekKey() ?? Infinity) <= now) {
      const item = this.#forget.pop()!;
      if (this.#current(item)) this.#entries.delete(item.id);
    }
  }

  #live(sessionId: string): Held | undefined {
    const held = this.#entries.get(sessionId);
    if (held && held.keepUntil <= this.#now()) {
      this.#entries.delete(sessionId);
      return undefined;
    }
    return held;
  }

  #rebuild(): void {
    this.#due.clear();
    this.#forget.clear();
    for (const [id, held] of this.#entries) {
      if (held.dueAt !== undefined) this.#due.push(held.dueAt, { id, version: held.version });
      this.#forget.push(held.keepUntil, { id, version: held.version });
    }
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
