/**
 * Where the relay keeps pending cancel intents, and the embedded default: this instance's
 * memory. A store applies the rules of intent-machine.ts atomically per session; a store shared
 * by several relay instances (`bank-pay-session/relay/redis`) also makes each claim of an
 * intent whose grace ended succeed for exactly one of them. Web-standard code only.
 */

import { stepIntent, type IntentRecord, type IntentSignal, type IntentVerdict, type PendingIntent } from './intent-machine.js';

export interface IntentResult {
  /** `full`: the store is at its bound and holds no new intent (the confirm still cancels). */
  readonly verdict: IntentVerdict | 'full';
  readonly intent?: PendingIntent;
}

export interface IntentStore {
  /**
   * True when intents outlive this relay instance: other instances share them, or a restarted
   * one finds them again. The relay then polls {@link IntentStore.due} for intents whose grace
   * ended while no wake-up of its own was waiting for them.
   */
  readonly shared: boolean;
  /** Applies one signal to one session, atomically with every relay sharing the store. */
  apply(sessionId: string, signal: IntentSignal, now: number): Promise<IntentResult>;
  /** Sessions with a pending intent whose deadline is at or before `now`, earliest first, at most `limit`. */
  due(now: number, limit: number): Promise<string[]>;
  /** Releases what the store opened itself (never a client it was given). */
  close(): Promise<void>;
}

export interface MemoryIntentStoreOptions {
  /**
   * Most sessions remembered at once (pending intents and acted-on sessions). Past it the
   * oldest acted-on sessions are forgotten first; when only pending intents are left, a new
   * intent is refused (`full`). Default 10 000.
   */
  readonly maxSessions?: number;
}

export const DEFAULT_MAX_SESSIONS = 10_000;

interface Entry {
  readonly record: IntentRecord;
  readonly keepUntil: number;
}

class MemoryIntentStore implements IntentStore {
  readonly shared = false;
  /** By lower-cased session id, oldest write first (a Map iterates in insertion order). */
  readonly #entries = new Map<string, Entry>();
  readonly #maxSessions: number;

  constructor(maxSessions: number) {
    this.#maxSessions = maxSessions;
  }

  async apply(sessionId: string, signal: IntentSignal, now: number): Promise<IntentResult> {
    const key = sessionId.toLowerCase();
    const entry = this.#live(key, now);
    const { verdict, write, intent } = stepIntent(entry?.record, signal, now);
    const result: IntentResult = { verdict, ...(intent ? { intent } : {}) };
    if (!write) return result;
    this.#entries.delete(key);
    if (write.record === undefined) return result;
    if (this.#entries.size >= this.#maxSessions && !this.#makeRoom(now)) {
      // Only a new intent is refused; a confirm cancels anyway, it just cannot be remembered.
      return signal.type === 'intent' ? { verdict: 'full' } : result;
    }
    this.#entries.set(key, { record: write.record, keepUntil: write.keepUntil });
    return result;
  }

  async due(now: number, limit: number): Promise<string[]> {
    const due: PendingIntent[] = [];
    for (const [key] of this.#entries) {
      const record = this.#live(key, now)?.record;
      if (record?.state === 'pending' && record.intent.deadline <= now) due.push(record.intent);
    }
    return due
      .sort((a, b) => a.deadline - b.deadline)
      .slice(0, limit)
      .map((intent) => intent.sessionId);
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }

  #live(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.keepUntil <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Forgets expired entries, then the oldest acted-on sessions; true when there is room. */
  #makeRoom(now: number): boolean {
    for (const [key, entry] of this.#entries) if (entry.keepUntil <= now) this.#entries.delete(key);
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size < this.#maxSessions) break;
      // Forgetting one only risks a second, harmless provider call for a late intent.
      if (entry.record.state === 'acted') this.#entries.delete(key);
    }
    return this.#entries.size < this.#maxSessions;
  }
}

/** Pending intents in this relay instance's memory: the embedded default, for one instance. */
export function createMemoryIntentStore(options: MemoryIntentStoreOptions = {}): IntentStore & { readonly size: number } {
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  if (!Number.isInteger(maxSessions) || maxSessions < 1) throw new RangeError('maxSessions must be a positive integer');
  return new MemoryIntentStore(maxSessions);
}
