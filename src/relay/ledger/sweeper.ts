/**
 * The one sweeper that acts on passed deadlines. Each tick it claims the due entries (a claim
 * succeeds for one relay instance; it lapses if that instance dies), reads each session's
 * provider status, and cancels only a session still live; a session the provider ended is
 * closed, one it cannot be asked about is looked at again later. Knows nothing of HTTP.
 */

import type { SessionStatus } from '../../protocol/status.js';
import type { ClaimKeeper } from './claims.js';
import { LedgerUnavailable, type Ledger } from './ledger.js';
import type { LeaseRule, LedgerEntry } from './rules.js';

export type StatusReading =
  | { readonly kind: 'live' }
  | { readonly kind: 'ended'; readonly status: SessionStatus }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'unreachable'; readonly error: string };

export type ClaimedEntry = Extract<LedgerEntry, { state: 'claimed' }>;

export interface SweeperOptions {
  readonly ledger: Ledger;
  /** This instance's claims, renewed each tick (the sweeper's own and the cancels under way). */
  readonly claims: ClaimKeeper;
  readonly intervalMs: number;
  /** Reads the provider status of a claimed session. Never rejects. */
  readonly readStatus: (sessionId: string) => Promise<StatusReading>;
  /**
   * Sends the cancel of a claimed entry (its claim is cancelling: a lapse acted on, or a
   * cancel another instance accepted and did not finish) and settles the claim; resolves
   * when done. Never rejects.
   */
  readonly cancel: (entry: ClaimedEntry) => Promise<unknown>;
  /** Something notable that is not a cancel: a session kept, ended or expired, a store failure. */
  readonly report: (line: { readonly event: string; readonly sessionId?: string; readonly rule?: LeaseRule; readonly status?: string; readonly error?: string }) => void;
  /** Most entries acted on at once; the rest wait for the next tick. Default 64. */
  readonly concurrency?: number;
}

/** Entries claimed per tick at most, so one tick stays short. */
const BATCH = 256;

export class Sweeper {
  readonly #options: SweeperOptions;
  /** Claims this instance is acting on, by claim id: renewed each tick until done. */
  readonly #working = new Map<string, { sessionId: string; done: Promise<void> }>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #ticking = false;
  #stopped = false;
  /** Since when this instance has been sweeping without a gap. */
  #upSince = 0;
  #lastTick = 0;

  constructor(options: SweeperOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = setInterval(() => void this.tick(), this.#options.intervalMs);
    // A relay with nothing else to do may exit: the sweeper alone never holds the process.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /**
   * Claims and acts on what is due now. `scheduled`: the sweep was called from outside (a cron
   * on a serverless platform, `relay.sweep()`), not by this instance's own timer.
   */
  async tick(scheduled = false): Promise<void> {
    if (this.#ticking || this.#stopped) return;
    this.#ticking = true;
    const now = this.#options.ledger.now();
    if (!scheduled) {
      // A gap in this process's own ticks (a restart, a suspended process, a long pause): the
      // signals it serves may have gone unheard meanwhile, so silence only counts again after a
      // whole lease of listening.
      if (now - this.#lastTick > Math.max(3 * this.#options.intervalMs, 5000)) this.#upSince = now;
      this.#lastTick = now;
    }
    try {
      await this.#options.ledger.writeUnwritten();
      await this.#options.claims.renewDue();
      const room = (this.#options.concurrency ?? 64) - this.#working.size;
      if (room <= 0) return;
      const due = await this.#options.ledger.due(Math.min(BATCH, room));
      for (const sessionId of due) {
        if (this.#stopped) break;
        const claimId = crypto.randomUUID();
        const claim = await this.#options.ledger.apply(sessionId, { type: 'claim', claimId });
        if (claim.verdict === 'expired') this.#options.report({ event: 'expired', sessionId });
        if (claim.verdict === 'unknown') await this.#forget(sessionId);
        if (claim.verdict !== 'claimed' || claim.entry?.state !== 'claimed') continue;
        this.#options.claims.hold(sessionId, claimId);
        const done = this.#act(claim.entry, scheduled).finally(() => {
          this.#working.delete(claimId);
          this.#options.claims.drop(claimId);
        });
        this.#working.set(claimId, { sessionId, done });
      }
    } catch (error) {
      this.#options.report({ event: 'store-error', error: error instanceof Error ? error.message : 'unknown error' });
    } finally {
      this.#ticking = false;
    }
  }

  /** Stops claiming at once. */
  halt(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }

  /** Stops claiming; waits up to `timeoutMs` for the work in hand. Returns how many were left (their claims lapse for another instance). */
  async stop(timeoutMs: number): Promise<number> {
    this.halt();
    const work = [...this.#working.values()].map((item) => item.done);
    if (work.length === 0) return 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.allSettled(work), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    return this.#working.size;
  }

  get working(): number {
    return this.#working.size;
  }

  async #act(entry: ClaimedEntry, scheduled: boolean): Promise<void> {
    const { ledger } = this.#options;
    const { sessionId, claimId, rule } = entry;
    try {
      // A cancel another instance accepted and never finished: finish it (a 400 from the
      // provider already means "over", so no status read first). No page signal can undo an
      // accepted cancel, so this instance's own listening time does not matter here.
      if (entry.cancelling) {
        this.#options.report({ event: 'taken-over', sessionId, rule });
        await this.#options.cancel(entry);
        return;
      }
      if (rule !== 'max-age' && this.#deaf(scheduled)) {
        // The relay (or its store) was not listening for a whole lease: the page may have been
        // beating into the void. It gets a lease to be heard before its silence counts.
        await ledger.apply(sessionId, { type: 'release', claimId, retryInMs: ledger.settings.leaseMs });
        this.#options.report({ event: 'kept', sessionId, rule, error: 'the relay has not been listening for a whole lease yet' });
        return;
      }
      const reading = await this.#options.readStatus(sessionId);
      if (reading.kind === 'ended' || reading.kind === 'not-found') {
        await ledger.apply(sessionId, { type: 'ended', status: reading.kind === 'ended' ? reading.status : 'Expired' });
        this.#options.report({ event: 'ended', sessionId, rule, status: reading.kind === 'ended' ? reading.status : 'not-found' });
        return;
      }
      if (reading.kind === 'unreachable') {
        // A doubt keeps the session: ask again after a lease.
        await ledger.apply(sessionId, { type: 'release', claimId, retryInMs: ledger.settings.leaseMs });
        this.#options.report({ event: 'kept', sessionId, rule, error: reading.error });
        return;
      }
      if (this.#stopped) {
        // Shutting down: handed straight back, for another instance (or this one, restarted).
        await ledger.apply(sessionId, { type: 'release', claimId, retryInMs: 0 });
        return;
      }
      // Still live: the cancel goes ahead only if no page signal overtook the claim meanwhile.
      const act = await ledger.apply(sessionId, { type: 'act', claimId });
      if (act.verdict !== 'act' || act.entry?.state !== 'claimed') {
        this.#options.report({ event: 'kept', sessionId, rule, error: 'the page signalled while the status was read' });
        return;
      }
      await this.#options.cancel(act.entry);
    } catch (error) {
      // The store failed mid-way: the claim lapses and a sweep looks at the entry again.
      const message = error instanceof LedgerUnavailable ? error.message : 'internal error';
      this.#options.report({ event: 'store-error', sessionId, error: message });
    }
  }

  /**
   * True when this instance has not heard signals (and written them) for a whole lease. A
   * scheduled sweep runs wherever the platform puts it, once a minute or so, in an instance that
   * may be fresh and did not serve the signals itself: gaps between its calls say nothing about
   * the relay's listening (on Workers they would keep every lapse from ever counting), so only
   * a store failure here does.
   */
  #deaf(scheduled: boolean): boolean {
    const { ledger } = this.#options;
    const listeningSince = scheduled ? ledger.failedAt : Math.max(this.#upSince, ledger.failedAt);
    return ledger.now() - listeningSince < ledger.settings.leaseMs;
  }

  /** A due id with no entry (it expired in Redis): drops it from the due index. */
  async #forget(sessionId: string): Promise<void> {
    await this.#options.ledger.store.swap(sessionId, undefined, { text: undefined, dueAt: undefined, keepUntil: 0 }).catch(() => undefined);
  }
}
