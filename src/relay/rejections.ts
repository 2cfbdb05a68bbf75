/**
 * Refused requests (forged or expired tokens, foreign origins, bad webhook signatures, rate
 * limits) reach the log as counts, not one line each: whatever an unauthenticated client
 * sends, the log grows by a bounded number of lines per interval. The first refusal of each
 * kind in an interval is written at once, in full (an operator sees a new problem without
 * waiting); the rest are counted, and one summary line per kind closes the interval.
 */

export const REJECTIONS_TYPE = 'bank-pay.rejections';

export interface RejectionKind {
  /** `cancel`, `signals`, `status`, `webhooks`. */
  readonly route: string;
  /** A fixed reason from the relay's own code, never text from the request. */
  readonly reason: string;
}

interface Tally {
  readonly kind: RejectionKind;
  count: number;
}

/** Kinds tracked at once; reasons are the relay's own fixed strings, so this is never reached in practice. */
const MAX_KINDS = 64;

export class RejectionLog {
  readonly #log: (line: Record<string, unknown>) => void;
  readonly #intervalMs: number;
  readonly #now: () => number;
  #tallies = new Map<string, Tally>();
  #windowStart: number;
  #overflow = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(log: (line: Record<string, unknown>) => void, intervalMs: number, now: () => number = Date.now) {
    this.#log = log;
    this.#intervalMs = intervalMs;
    this.#now = now;
    this.#windowStart = now();
  }

  /**
   * Notes one refusal. Returns true when the caller should write its full line now (the
   * first of its kind in this interval); otherwise it was counted.
   */
  note(kind: RejectionKind): boolean {
    const now = this.#now();
    if (now - this.#windowStart >= this.#intervalMs) this.flush();
    this.#startTimer();
    const key = `${kind.route}\n${kind.reason}`;
    const tally = this.#tallies.get(key);
    if (tally) {
      tally.count += 1;
      return false;
    }
    if (this.#tallies.size >= MAX_KINDS) {
      this.#overflow += 1;
      return false;
    }
    this.#tallies.set(key, { kind, count: 1 });
    return true;
  }

  /** Writes one summary line per kind refused more than once since the last flush. Synchronous. */
  flush(): void {
    const now = this.#now();
    const since = new Date(this.#windowStart).toISOString();
    const time = new Date(now).toISOString();
    for (const { kind, count } of this.#tallies.values()) {
      // A single refusal already has its full line.
      if (count > 1) this.#log({ type: REJECTIONS_TYPE, time, since, route: kind.route, reason: kind.reason, count, writtenInFull: 1 });
    }
    if (this.#overflow > 0) this.#log({ type: REJECTIONS_TYPE, time, since, route: 'any', reason: 'other', count: this.#overflow, writtenInFull: 0 });
    this.#tallies = new Map();
    this.#overflow = 0;
    this.#windowStart = now;
  }

  /** Flushes and stops the interval timer (shutdown). */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.flush();
  }

  /** Started by the first refusal, not at construction: some runtimes (Workers) forbid timers at start-up. */
  #startTimer(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#tallies.size === 0 && this.#overflow === 0) return;
      this.flush();
    }, this.#intervalMs);
    (this.#timer as { unref?: () => void }).unref?.();
  }
}
