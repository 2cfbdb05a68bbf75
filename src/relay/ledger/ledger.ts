/**
 * The lease ledger: applies the rules (rules.ts) to a store (store.ts) one session at a
 * time, retrying a compare-and-set that another request or instance won, and bounding every
 * store call in time. The sweeper (sweeper.ts) and the routes are its only callers.
 */

import { stepLedger, dueAt, keepUntil, type LedgerEntry, type LedgerEvent, type LedgerSettings, type LedgerVerdict } from './rules.js';
import type { LedgerStore, StoredEntry } from './store.js';
import { BoundedMap } from '../bounded-map.js';

export interface LedgerResult {
  readonly verdict: LedgerVerdict;
  /** The entry after the event (undefined: none). */
  readonly entry: LedgerEntry | undefined;
}

/** The store failed or was too slow: the caller keeps the session (and still sends a confirm's cancel). */
export class LedgerUnavailable extends Error {
  override readonly name = 'LedgerUnavailable';
}

/** A later signal from the page (or the session's end) makes an unwritten `hidden` moot. */
const SUPERSEDES_HIDDEN: ReadonlySet<LedgerEvent['type']> = new Set(['alive', 'hidden', 'intent', 'revoke', 'confirm', 'ended']);
/** Unwritten `hidden` signals kept at most (each a few dozen bytes). */
const MAX_UNWRITTEN = 10_000;

/** Lost compare-and-sets in a row before giving up: each loss means someone else just wrote. */
const MAX_SWAP_ATTEMPTS = 8;

function parse(stored: StoredEntry | undefined): LedgerEntry | undefined {
  if (!stored) return undefined;
  try {
    const entry = JSON.parse(stored.text) as LedgerEntry;
    return typeof entry === 'object' && entry !== null && typeof entry.deadline === 'number' ? entry : undefined;
  } catch {
    return undefined; // unreadable: taken as none, and overwritten by the next write
  }
}

export class Ledger {
  readonly store: LedgerStore;
  readonly settings: LedgerSettings;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  /** When a store call last failed here (0: never): signals may have been lost since. */
  #failedAt = 0;
  /**
   * `hidden` signals the store refused, by session. A hidden page sends nothing more, so a lost
   * one would leave its lease to lapse and the shopper in their bank's app to be cancelled;
   * every other signal is followed by another (the next heartbeat) or by a cancel.
   */
  readonly #unwritten: BoundedMap<string, LedgerEvent>;

  constructor(store: LedgerStore, settings: LedgerSettings, timeoutMs: number, now: () => number = Date.now) {
    this.store = store;
    this.settings = settings;
    this.#timeoutMs = timeoutMs;
    this.#now = now;
    this.#unwritten = new BoundedMap(MAX_UNWRITTEN, now);
  }

  now(): number {
    return this.#now();
  }

  /** When a store call last failed on this instance (epoch ms, 0: never). */
  get failedAt(): number {
    return this.#failedAt;
  }

  /** Applies one event to one session. Rejects with {@link LedgerUnavailable} only. */
  async apply(sessionId: string, event: LedgerEvent): Promise<LedgerResult> {
    const id = sessionId.toLowerCase();
    try {
      const result = await this.#write(id, event);
      if (SUPERSEDES_HIDDEN.has(event.type)) this.#unwritten.delete(id);
      return result;
    } catch (error) {
      // Until the token expires: past it nothing is cancelled anyway.
      if (event.type === 'hidden') this.#unwritten.set(id, event, event.tokenExpiresAt);
      throw error;
    }
  }

  /**
   * Writes again the `hidden` signals the store refused here, oldest first, and stops at the
   * first that fails again. The sweeper calls it before each sweep.
   */
  async writeUnwritten(): Promise<void> {
    for (const [id, event] of this.#unwritten.entries()) {
      try {
        await this.apply(id, event);
      } catch {
        return;
      }
    }
  }

  /** How many `hidden` signals wait to be written again. */
  get unwritten(): number {
    return this.#unwritten.size;
  }

  #write(id: string, event: LedgerEvent): Promise<LedgerResult> {
    return this.#bounded(async () => {
      for (let attempt = 0; attempt < MAX_SWAP_ATTEMPTS; attempt++) {
        const stored = await this.store.get(id);
        const now = this.#now();
        const step = stepLedger(id, parse(stored), event, now, this.settings);
        if (!step.write) return { verdict: step.verdict, entry: step.entry };
        const write = step.entry
          ? { text: JSON.stringify(step.entry), dueAt: dueAt(step.entry), keepUntil: keepUntil(step.entry, this.settings) }
          : { text: undefined, dueAt: undefined, keepUntil: now };
        if (await this.store.swap(id, stored, write)) return { verdict: step.verdict, entry: step.entry };
      }
      throw new LedgerUnavailable('the ledger entry kept changing under this write');
    });
  }

  /** Sessions due now, earliest first. */
  due(limit: number): Promise<string[]> {
    return this.#bounded(() => this.store.due(this.#now(), limit));
  }

  async #bounded<T>(work: () => Promise<T>): Promise<T> {
    // This instance's memory answers at once: a timer per call would only cost time.
    if (!this.store.shared) {
      try {
        return await work();
      } catch (error) {
        this.#failedAt = this.#now();
        throw error instanceof LedgerUnavailable ? error : new LedgerUnavailable('the ledger store failed', { cause: error });
      }
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LedgerUnavailable(`the ledger store did not answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
    });
    try {
      return await Promise.race([work(), timeout]);
    } catch (error) {
      this.#failedAt = this.#now();
      throw error instanceof LedgerUnavailable ? error : new LedgerUnavailable('the ledger store failed', { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}
