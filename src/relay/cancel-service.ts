/**
 * Carries a verified cancel to the provider and keeps at it: retries transient failures with
 * backoff until the session would have expired anyway, joins a second cancel of the same
 * session to the first (one provider call), and lets a graceful shutdown wait for the work in
 * flight within a bound. Knows nothing of HTTP requests from the browser.
 */

import type { CancelOutcome } from '../protocol/cancel-request.js';
import { isTerminalStatus, normalizeStatus } from '../protocol/status.js';
import type { BackoffPolicy } from './backoff.js';
import { AbortScope, type AbortLike } from './abort.js';
import { BoundedMap } from './bounded-map.js';
import { ProviderError } from './provider/error.js';
import type { ProviderClient } from './provider/client.js';
import { interpretCancelReply, interpretStatusReply, type SessionStatusSnapshot } from './provider/replies.js';
import { retryTransient, sleep } from './retry.js';

export interface CancelSettlement {
  readonly outcome: Exclude<CancelOutcome, 'rejected'>;
  /** The canonical name (`Cancelled`, `Completed`, …). */
  readonly status?: string;
  /** As the provider spelled it (GEFT: `Canceled`). */
  readonly providerStatus?: string;
  readonly statusDetails?: string;
  readonly referenceId?: string;
  /** Provider cancel attempts made; 0 for a request joined to an earlier one. */
  readonly attempts: number;
  /** Why it failed, for the audit log and the answer; never a secret. */
  readonly error?: string;
  /** True when the relay gave up because of a shutdown, not because the provider refused. */
  readonly abandoned?: boolean;
}

export interface CancelServiceOptions {
  readonly client: ProviderClient;
  readonly backoff: BackoffPolicy;
  /** Upper bound on retrying one cancel, whatever the token's expiry says. */
  readonly maxRetryWindowMs: number;
  readonly now?: () => number;
  readonly random?: () => number;
  /** How many settled sessions to remember, so a repeated cancel is answered without the provider. */
  readonly rememberSessions?: number;
}

export interface DrainReport {
  /** Cancels that finished (any outcome) within the bound. */
  readonly settled: number;
  /** Cancels still retrying when the bound ran out; they were stopped and logged as failed. */
  readonly abandoned: number;
  /**
   * Sessions the sweeper was still acting on when the bound ran out, if any: their claims
   * lapse, and a shared ledger lets another instance finish them.
   */
  readonly leasesLeft?: number;
}

/** Outcomes that will not change by asking again. */
const FINAL_OUTCOMES: ReadonlySet<CancelSettlement['outcome']> = new Set(['cancelled', 'already-terminal', 'not-found']);

function fromSnapshot(snapshot: SessionStatusSnapshot) {
  return {
    // As the status route answers: the canonical name, which the page reads, and the provider's own spelling.
    status: normalizeStatus(snapshot.status) ?? snapshot.status,
    providerStatus: snapshot.status,
    statusDetails: snapshot.statusDetails,
    ...(snapshot.referenceId ? { referenceId: snapshot.referenceId } : {}),
  };
}

function describeFailure(error: unknown, attempts: number): string {
  const message = error instanceof ProviderError ? error.message : 'internal error';
  return attempts > 1 ? `${message} (after ${attempts} attempts)` : message;
}

export class CancelService {
  readonly #options: CancelServiceOptions;
  readonly #now: () => number;
  /** In-flight and recently settled cancels, by lower-cased session id. */
  readonly #sessions: BoundedMap<string, Promise<CancelSettlement>>;
  readonly #inFlight = new Set<Promise<CancelSettlement>>();
  /**
   * Aborted by a shutdown; every provider attempt in flight listens to it (abort.ts). A plain
   * object, not an AbortSignal: each attempt makes its own signal where it runs (workerd
   * refuses, in one request, a signal made while another request was handled, and this
   * service outlives every request).
   */
  readonly #shutdown = new AbortScope();

  constructor(options: CancelServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#sessions = new BoundedMap(options.rememberSessions ?? 10_000, this.#now);
  }

  /**
   * Starts (or joins) the cancel of a session whose token is valid until `tokenExpiresAt`.
   * The promise never rejects.
   */
  cancel(sessionId: string, tokenExpiresAt: number): { settlement: Promise<CancelSettlement>; joined: boolean } {
    const key = sessionId.toLowerCase();
    const existing = this.#sessions.get(key);
    if (existing) return { settlement: existing.then((s) => ({ ...s, attempts: 0 })), joined: true };

    const deadline = Math.min(tokenExpiresAt, this.#now() + this.#options.maxRetryWindowMs);
    const settlement = this.#run(sessionId, deadline).catch(
      (): CancelSettlement => ({ outcome: 'failed', attempts: 0, error: 'internal error' }),
    );
    this.#sessions.set(key, settlement, deadline);
    this.#inFlight.add(settlement);
    void settlement.then((result) => {
      this.#inFlight.delete(settlement);
      // A failure is forgotten so the next request tries the provider again.
      if (!FINAL_OUTCOMES.has(result.outcome) && this.#sessions.get(key) === settlement) this.#sessions.delete(key);
    });
    return { settlement, joined: false };
  }

  /** True when this instance has a cancel of the session under way or recently settled. */
  knows(sessionId: string): boolean {
    return this.#sessions.get(sessionId.toLowerCase()) !== undefined;
  }

  /** Cancels still being sent or retried. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Stops every cancel in flight at once: each settles as failed (abandoned). */
  stop(): void {
    this.#shutdown.abort();
  }

  /**
   * Waits up to `timeoutMs` for cancels in flight; then stops the rest, which settle as failed
   * (abandoned) so their audit lines are still written.
   */
  async drain(timeoutMs: number): Promise<DrainReport> {
    const tasks = [...this.#inFlight];
    if (tasks.length === 0) return { settled: 0, abandoned: 0 };
    const bound = new AbortController();
    const allDone = Promise.allSettled(tasks);
    await Promise.race([allDone, sleep(timeoutMs, bound.signal)]);
    bound.abort();
    const stillRunning = tasks.filter((task) => this.#inFlight.has(task)).length;
    if (stillRunning > 0) {
      this.stop();
      await allDone;
    }
    return { settled: tasks.length - stillRunning, abandoned: stillRunning };
  }

  async #run(sessionId: string, deadline: number): Promise<CancelSettlement> {
    const signal = this.#shutdown;
    const result = await retryTransient(
      async () => interpretCancelReply(await this.#options.client.cancelSession(sessionId, signal)),
      {
        policy: this.#options.backoff,
        deadline,
        signal,
        now: this.#now,
        ...(this.#options.random ? { random: this.#options.random } : {}),
      },
    );
    const { attempts } = result;
    if (!result.ok) {
      return {
        outcome: 'failed',
        attempts,
        error: describeFailure(result.error, attempts),
        ...(signal.aborted ? { abandoned: true } : {}),
      };
    }
    const meaning = result.value;
    if (meaning.kind === 'cancelled') return { outcome: 'cancelled', attempts, ...fromSnapshot(meaning.snapshot) };
    if (meaning.kind === 'not-found') return { outcome: 'not-found', attempts };
    return { ...(await this.#terminalStatus(sessionId, signal)), attempts };
  }

  /**
   * The provider refused the cancel because the session is over; one status call tells the
   * shopper how it ended. If that call fails, the cancel is still done from their side.
   */
  async #terminalStatus(sessionId: string, signal: AbortLike): Promise<Omit<CancelSettlement, 'attempts'>> {
    try {
      const meaning = interpretStatusReply(await this.#options.client.sessionStatus(sessionId, signal));
      if (meaning.kind === 'not-found') return { outcome: 'not-found' };
      if (!isTerminalStatus(meaning.snapshot.status)) {
        return {
          outcome: 'failed',
          error: `the provider refused the cancel (HTTP 400) but reports status ${meaning.snapshot.status}`,
          ...fromSnapshot(meaning.snapshot),
        };
      }
      return { outcome: 'already-terminal', ...fromSnapshot(meaning.snapshot) };
    } catch {
      return { outcome: 'already-terminal' };
    }
  }
}
