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

/** The relay's signals endpoint sits beside its cancel endpoint: `…/cancel` → `…/signals`. */
export function signalsUrl(cancelUrl: string, base: string): string | undefined {
  try {
    return new URL('signals', new URL(cancelUrl, base)).href;
  } catch {
    return undefined;
  }
}

export class Lease {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #deferred: AbortController | undefined;
  #interval = FIRST_INTERVAL_MS;
  /** False once the relay answered 404: it runs without leases. */
  #enabled = true;
  #target: CancelTarget | undefined;
  #signals: string | undefined;
  readonly #onStatus: (status: SessionStatus) => void;

  constructor(onStatus: (status: SessionStatus) => void) {
    this.#onStatus = onStatus;
  }

  /**
   * Called on every change of state or visibility. `target` is the live session (undefined:
   * none, or over); `deferred`: whether a page that goes away should cancel (`cancel-on`).
   */
  sync(target: CancelTarget | undefined, deferred: boolean, restart = false): void {
    const hidden = document.visibilityState === 'hidden';
    const same = target && this.#target && target.sessionId === this.#target.sessionId && !restart;
    if (!same) this.stop();
    if (!target?.url || !target.sessionId || !target.token) return;
    this.#target = target;
    this.#signals = signalsUrl(target.url, document.baseURI);
    if (hidden) {
      if (this.#timer !== undefined || !same) this.#signal('hidden');
      this.stop(true);
      return;
    }
    if (deferred && !this.#deferred) this.#arm(target);
    if (this.#timer === undefined) this.#beat();
  }

  /** Withdraws the deferred cancel and stops heartbeats (the element sends its own cancel, or the session ended). */
  stop(keepTarget = false): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#deferred?.abort();
    this.#deferred = undefined;
    if (!keepTarget) this.#target = undefined;
  }

  /** A beacon to the signals endpoint: for `intent`, `revoke`, `hidden`. */
  #signal(signal: LeaseSignal): void {
    const { sessionId, token } = this.#target!;
    if (this.#enabled && this.#signals) beacon(this.#signals, encodeSignalRequest({ sessionId, token, signal }));
  }

  /** Sends one signal by beacon (beforeunload's intent and its revoke). */
  send(signal: LeaseSignal): void {
    if (this.#target) this.#signal(signal);
  }

  #beat = async (): Promise<void> => {
    const target = this.#target;
    if (!target || !this.#enabled || !this.#signals) return;
    this.#timer = setTimeout(this.#beat, this.#interval);
    try {
      const response = await post(this.#signals, encodeSignalRequest({ sessionId: target.sessionId, token: target.token, signal: 'alive' }));
      if (response.status === 404) {
        this.#enabled = false;
        return this.stop(true);
      }
      const answer = (await response.json()) as SignalResponse;
      if (answer.heartbeatMs > 0) this.#interval = answer.heartbeatMs;
      if (target === this.#target && answer.status !== 'Initiated') this.#onStatus(answer.status);
    } catch {
      // Unreachable for now: the next beat tries again, and the lease covers the rest.
    }
  };

  #arm({ url, sessionId, token }: CancelTarget): void {
    const fetchLater = (window as unknown as { fetchLater?: FetchLater }).fetchLater;
    if (!fetchLater) return;
    const controller = new AbortController();
    try {
      fetchLater(new URL(url, document.baseURI).href, {
        method: 'POST',
        body: encodeCancelRequest({ sessionId, token, reason: 'page-gone' }),
        signal: controller.signal,
      });
      this.#deferred = controller;
    } catch {
      // QuotaExceededError (a deferred-fetch=() policy), SecurityError (plain http): the lease covers it.
    }
  }
}
