/**
 * Carries the two-phase cancel: holds an intent in the store, wakes up when its grace ends and
 * claims it (the claim succeeds for one relay only), drops it on a revoke, and marks a session
 * acted on when a confirm cancels it. A relay sharing its store with others also polls the store
 * for intents whose grace ended with nobody waiting on them (the receiving instance stopped, or
 * this one restarted). Knows nothing of HTTP; every store call is bounded in time.
 */

import type { CancelPhase, CancelReason, PhaseOutcome, PhaseResponse } from '../protocol/cancel-request.js';
import type { IntentSignal, IntentVerdict, PendingIntent } from './intent-machine.js';
import type { IntentResult, IntentStore } from './intent-store.js';
import { sleep } from './retry.js';

export interface IntentServiceOptions {
  readonly store: IntentStore;
  readonly graceMs: number;
  /** How often a shared store is polled for intents whose grace ended; 0: never. */
  readonly pollIntervalMs: number;
  /** Longest one store call may take before the request is answered `failed`. */
  readonly storeTimeoutMs: number;
  /** Starts the cancel of an intent this relay claimed; resolves when the cancel settled. */
  readonly act: (intent: PendingIntent) => Promise<unknown>;
  /** A store call failed or timed out. The error comes from the store: log its message only. */
  readonly onStoreError: (operation: string, error: unknown, sessionId?: string) => void;
  readonly now?: () => number;
}

export interface PhaseRequest {
  readonly sessionId: string;
  readonly reason: CancelReason;
  readonly phase: Exclude<CancelPhase, 'confirm'>;
  readonly tokenExpiresAt: number;
  readonly origin: string | undefined;
}

export type PhaseAnswer =
  | {
      readonly ok: true;
      readonly response: PhaseResponse;
      /** Set when an intent was held: settles after its grace ended and any cancel settled. */
      readonly wakeUp?: Promise<void>;
    }
  | { readonly ok: false; readonly error: string };

/** Intents claimed per poll; the next poll takes the rest, so one poll stays short. */
export const POLL_BATCH = 100;
/** A timer may fire a moment before the clock reaches its deadline: re-check, at most this often. */
const MAX_WAKE_ATTEMPTS = 5;

class StoreTimeout extends Error {
  override readonly name = 'StoreTimeout';
}

/**
 * A store error's message, fit for a log line: bounded, and without the credentials a Redis
 * URL may carry (`redis://user:password@host`).
 */
export function storeErrorMessage(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
  return message.replace(/\/\/[^/\s@]*@/g, '//').slice(0, 300);
}

function phaseOutcomeOf(verdict: IntentVerdict): PhaseOutcome {
  switch (verdict) {
    case 'held':
    case 'already-pending':
      return 'pending';
    case 'revoked':
    case 'already-acted':
      return verdict;
    default: // nothing-pending; an intent or a revoke never gets act or not-due
      return 'nothing-pending';
  }
}

export class IntentService {
  readonly #options: IntentServiceOptions;
  readonly #now: () => number;
  /** Aborted by drain: wake-ups still waiting for a deadline stop waiting. */
  readonly #stopping = new AbortController();
  /** Wake-ups still waiting for their intent's deadline. */
  readonly #waiting = new Set<Promise<unknown>>();
  #poller: ReturnType<typeof setInterval> | undefined;
  #polling = false;

  constructor(options: IntentServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Holds or revokes an intent. Never rejects: a store failure is an answer. */
  async receive(request: PhaseRequest): Promise<PhaseAnswer> {
    const now = this.#now();
    const signal: IntentSignal =
      request.phase === 'revoke'
        ? { type: 'revoke' }
        : {
            type: 'intent',
            intent: {
              sessionId: request.sessionId,
              reason: request.reason,
              receivedAt: now,
              deadline: now + this.#options.graceMs,
              tokenExpiresAt: request.tokenExpiresAt,
              ...(request.origin !== undefined ? { origin: request.origin } : {}),
            },
          };
    let result: IntentResult;
    try {
      result = await this.#apply(request.sessionId, signal, now);
    } catch (error) {
      this.#options.onStoreError(request.phase, error, request.sessionId);
      return { ok: false, error: 'the intent store is unavailable' };
    }
    if (result.verdict === 'full') return { ok: false, error: 'too many pending intents' };
    const outcome = phaseOutcomeOf(result.verdict);
    const response: PhaseResponse =
      outcome === 'pending' && result.intent ? { outcome, graceMs: Math.max(0, result.intent.deadline - now) } : { outcome };
    if (result.verdict === 'held' && result.intent) return { ok: true, response, wakeUp: this.#wakeUp(result.intent) };
    return { ok: true, response };
  }

  /**
   * A confirm is cancelling the session: no pending intent may start a second cancel, and no
   * late intent may be held. Never rejects; the cancel goes ahead whatever the store says.
   */
  async confirmed(sessionId: string): Promise<void> {
    try {
      await this.#apply(sessionId, { type: 'confirm' }, this.#now());
    } catch (error) {
      this.#options.onStoreError('confirm', error, sessionId);
    }
  }

  /** Polls a shared store until drained. Timers do not keep the process alive. */
  startPolling(): void {
    const { store, pollIntervalMs } = this.#options;
    if (!store.shared || pollIntervalMs <= 0 || this.#poller || this.#stopping.signal.aborted) return;
    this.#poller = setInterval(() => void this.#pollOnce(), pollIntervalMs);
    (this.#poller as { unref?: () => void }).unref?.();
  }

  /** Claims and acts on the intents whose grace has ended; one poll at a time. */
  async #pollOnce(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      const due = await this.#timed(this.#options.store.due(this.#now(), POLL_BATCH));
      // Claimed one after another, but their cancels run side by side.
      for (const sessionId of due) await this.#claim(sessionId);
    } catch (error) {
      this.#options.onStoreError('poll', error);
    } finally {
      this.#polling = false;
    }
  }

  /**
   * Stops polling and waits up to `timeoutMs` for intents whose grace is still running; then
   * stops waiting for the rest. Returns how many were left: a shared store keeps them for
   * another relay, the memory store loses them (never cancelling early is the point).
   */
  async drain(timeoutMs: number): Promise<number> {
    clearInterval(this.#poller);
    this.#poller = undefined;
    const waiting = [...this.#waiting];
    if (waiting.length > 0) {
      const bound = new AbortController();
      await Promise.race([Promise.allSettled(waiting), sleep(timeoutMs, bound.signal)]);
      bound.abort();
    }
    const left = this.#waiting.size;
    this.#stopping.abort();
    await Promise.allSettled(waiting);
    return left;
  }

  /**
   * Waits in this relay for the intent's deadline, then claims it. Resolves once the claim is
   * settled and so is any cancel it started, for `waitUntil` on serverless runtimes.
   */
  #wakeUp(intent: PendingIntent): Promise<void> {
    const claimed = this.#waitAndClaim(intent);
    this.#waiting.add(claimed);
    void claimed.finally(() => this.#waiting.delete(claimed));
    return claimed.then(async (outcome) => {
      await outcome?.settled;
    });
  }

  async #waitAndClaim(intent: PendingIntent): Promise<{ settled?: Promise<unknown> } | undefined> {
    const signal = this.#stopping.signal;
    let deadline = intent.deadline;
    for (let attempt = 0; attempt < MAX_WAKE_ATTEMPTS; attempt++) {
      await sleep(deadline - this.#now(), signal);
      if (signal.aborted) return undefined;
      const claim = await this.#claim(intent.sessionId);
      // Claimed here or elsewhere, or revoked: done. Not due: the clock lags the timer, or a
      // newer intent (held after a revoke) is pending with a later deadline of its own.
      if (claim.verdict !== 'not-due' || !claim.intent) return claim;
      deadline = claim.intent.deadline;
    }
    return undefined;
  }

  /** Claims one intent if its grace ended; acts on it when this relay won the claim. */
  async #claim(sessionId: string): Promise<{ verdict: IntentResult['verdict']; intent?: PendingIntent; settled?: Promise<unknown> }> {
    let result: IntentResult;
    try {
      result = await this.#apply(sessionId, { type: 'grace-ended' }, this.#now());
    } catch (error) {
      // Left pending in the store: the next poll of a shared store tries again.
      this.#options.onStoreError('claim', error, sessionId);
      return { verdict: 'nothing-pending' };
    }
    if (result.verdict !== 'act' || !result.intent) return result;
    const settled = this.#options.act(result.intent).catch(() => undefined);
    return { ...result, settled };
  }

  #apply(sessionId: string, signal: IntentSignal, now: number): Promise<IntentResult> {
    return this.#timed(this.#options.store.apply(sessionId, signal, now));
  }

  async #timed<T>(operation: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreTimeout(`no answer within ${this.#options.storeTimeoutMs} ms`)), this.#options.storeTimeoutMs);
    });
    try {
      return await Promise.race([operation, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
