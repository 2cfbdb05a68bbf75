/**
 * The page's side of the relay's lease (docs/leases.md): while the session is live
 * and the tab visible, heartbeats (`alive`) at the interval the relay asks for, and a
 * deferred cancel (`fetchLater`, where the browser has it) that the browser sends if the
 * document goes away for any reason, a crash included. Hidden: one `hidden` beacon, no
 * heartbeats, the deferred cancel withdrawn (the shopper may be in their bank's app).
 * Visible again: `alive` at once and the deferred cancel armed again. Every failure falls
 * back quietly to the relay's lease.
 */

import { encodeCancelRequest } from '../protocol/cancel-request.js';
import { encodeSignalRequest, type LeaseSignal, type SignalResponse } from '../protocol/signal-request.js';
import type { SessionStatus } from '../protocol/status.js';
import { beacon, post, type CancelTarget } from './delivery.js';

/** Until the relay says otherwise: a few heartbeats per default lease. */
const FIRST_INTERVAL_MS = 15_000;

type FetchLater = (url: string, init: RequestInit) => unknown;

export class Lease {
  /** Set while visible (also while a heartbeat is out), so one sync never starts a second one. */
  #timer: ReturnType<typeof setTimeout> | undefined;
  #deferred: AbortController | undefined;
  #interval = FIRST_INTERVAL_MS;
  #target: CancelTarget | undefined;
  /**
   * The relay's signals endpoint, beside its cancel endpoint (`…/cancel` → `…/signals`). Empty
   * when nothing may be sent: no session, an unusable cancel-url, or a relay without leases (404).
   */
  #url = '';
  readonly #onStatus: (status: SessionStatus) => void;

  constructor(onStatus: (status: SessionStatus) => void) {
    this.#onStatus = onStatus;
  }

  /**
   * Called on every change of state or visibility. `target` is the live session (undefined:
   * none, or over); `deferred`: whether a page that goes away should cancel (`cancel-on`).
   */
  sync(target: CancelTarget | undefined, deferred: boolean): void {
    const fresh = target?.sessionId !== this.#target?.sessionId;
    if (fresh) this.stop();
    if (!target?.sessionId || !target.token) return;
    if (fresh) {
      // Kept while the session lasts: a heartbeat's answer is applied only to its own session.
      this.#target = target;
      try {
        this.#url = new URL('signals', new URL(target.url, document.baseURI)).href;
      } catch {
        // No lease signals; the relay's own lease still ends an abandoned session.
      }
    }
    if (document.hidden) {
      // Once per hidden spell: when heartbeats were running, or for a session first seen hidden.
      if (this.#timer || fresh) this.send('hidden');
      return this.#pause();
    }
    if (!deferred) this.#withdraw();
    else if (!this.#deferred) this.#arm(target);
    if (!this.#timer) void this.#beat();
  }

  /** Withdraws the deferred cancel and stops heartbeats (the element sends its own cancel, or the session ended). */
  stop(): void {
    this.#pause();
    this.#target = undefined;
    this.#url = '';
  }

  /** Sends one signal by beacon: `hidden`, and beforeunload's intent and its revoke. */
  send(signal: LeaseSignal): void {
    if (this.#url) beacon(this.#url, this.#body(signal));
  }

  #pause(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#withdraw();
  }

  #withdraw(): void {
    this.#deferred?.abort();
    this.#deferred = undefined;
  }

  #body(signal: LeaseSignal): string {
    return encodeSignalRequest({ ...this.#target!, signal });
  }

  #beat = async (): Promise<void> => {
    const target = this.#target;
    if (!this.#url) return;
    const timer = (this.#timer = setTimeout(this.#beat, this.#interval));
    // No answer at all (offline, relay unreachable): sooner, so a network back within the lease keeps the session.
    let next = this.#interval / 4;
    try {
      const response = await post(this.#url, this.#body('alive'));
      next = this.#interval;
      // No leases on this relay: no more signals for this session (the deferred cancel stays armed).
      if (response.status === 404) this.#url = '';
      const answer = (await response.json()) as Partial<SignalResponse>;
      if (answer.heartbeatMs! > 0) next = this.#interval = answer.heartbeatMs!;
      if (answer.status && target === this.#target) this.#onStatus(answer.status);
    } catch {
      // Unreachable, or an answer that is not JSON: the next heartbeat tries again, the lease covers the rest.
    }
    if (timer !== this.#timer) {
      // Hidden while this heartbeat was out: it may reach the relay after the hidden beacon, so that goes again.
      if (!this.#timer && target === this.#target) this.send('hidden');
      return;
    }
    clearTimeout(timer);
    this.#timer = this.#url ? setTimeout(this.#beat, next) : undefined;
  };

  #arm(target: CancelTarget): void {
    const controller = new AbortController();
    try {
      // Absent in most engines (a TypeError here); QuotaExceededError under a deferred-fetch=()
      // policy, SecurityError on plain http: the lease covers it. A relative URL resolves as fetch's does.
      (window as unknown as { fetchLater: FetchLater }).fetchLater(target.url, {
        method: 'POST',
        body: encodeCancelRequest({ ...target, reason: 'page-gone' }),
        signal: controller.signal,
      });
      this.#deferred = controller;
    } catch {
      // The lease covers it.
    }
  }
}
