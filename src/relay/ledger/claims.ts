/**
 * The claims this relay instance holds in the ledger (cancels it is sending, entries its
 * sweeper works on), each renewed before it lapses. While this instance lives, nobody else
 * takes them; once it dies, renewals stop and each claim lapses for another instance to
 * take over. Renewing costs one store write per claim per third of a claim's time, not one
 * per sweep, and finding the claims due for it never scans the rest (oldest renewal first).
 */

import type { Ledger } from './ledger.js';

export class ClaimKeeper {
  readonly #ledger: Ledger;
  /** By claim id, in order of last renewal (a Map iterates in insertion order). */
  readonly #held = new Map<string, { readonly sessionId: string; renewedAt: number }>();
  readonly #idle: Array<() => void> = [];

  constructor(ledger: Ledger) {
    this.#ledger = ledger;
  }

  get size(): number {
    return this.#held.size;
  }

  hold(sessionId: string, claimId: string): void {
    if (!this.#held.has(claimId)) this.#held.set(claimId, { sessionId, renewedAt: this.#ledger.now() });
  }

  drop(claimId: string): void {
    this.#held.delete(claimId);
    if (this.#held.size === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Resolves once no claim is held (a shutdown waits for its claims to be handed back). */
  idle(): Promise<void> {
    return this.#held.size === 0 ? Promise.resolve() : new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Renews every claim a third of the way to its lapse; a claim that was taken over is dropped. */
  async renewDue(): Promise<void> {
    const now = this.#ledger.now();
    const renewBefore = now - this.#ledger.settings.claimMs / 3;
    const due: Array<[string, string]> = [];
    for (const [claimId, held] of this.#held) {
      if (held.renewedAt > renewBefore) break;
      due.push([claimId, held.sessionId]);
    }
    for (const [claimId, sessionId] of due) {
      const held = this.#held.get(claimId);
      if (!held) continue;
      // Moved to the newest end before the write, so a slow store never gets it renewed twice.
      this.#held.delete(claimId);
      this.#held.set(claimId, { sessionId, renewedAt: now });
      try {
        const { verdict } = await this.#ledger.apply(sessionId, { type: 'renew', claimId });
        if (verdict === 'lost-claim') this.drop(claimId);
      } catch {
        // The store is away: the claim may lapse, and another instance finish the work. Tried again next time.
      }
    }
  }
}
