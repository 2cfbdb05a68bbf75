/**
 * A per-request abort signal bounded by a timeout and by a long-lived outer signal (the
 * relay's shutdown), that leaves nothing behind on the outer signal once disposed.
 * `AbortSignal.any([timeout, outer])` would do the same in one line, but on Node 20 it keeps
 * a reference from `outer` to every signal ever derived from it until `outer` aborts, which a
 * shutdown signal never does: memory grows with every provider call.
 */

/** What the relay's retry loop and provider calls need of an outer abort: AbortSignal fits, and so does AbortScope. */
export interface AbortLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * A long-lived abort (the relay's shutdown) that thousands of calls in flight can listen to
 * at once: its listeners sit in a Set, removed when each call ends, with no per-listener
 * signal to create (an AbortSignal costs microseconds each on Node 20) and no
 * MaxListenersExceededWarning once a flood has more than ten calls in flight.
 */
export class AbortScope implements AbortLike {
  readonly #listeners = new Set<() => void>();
  #aborted = false;
  #reason: unknown;

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.#aborted) this.#listeners.add(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.#listeners.delete(listener);
  }

  abort(reason: unknown = new DOMException('the relay is shutting down', 'AbortError')): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    const listeners = [...this.#listeners];
    this.#listeners.clear();
    for (const listener of listeners) listener();
  }
}

export interface BoundedSignal {
  readonly signal: AbortSignal;
  /** True once the timeout (not the outer signal) aborted it. */
  timedOut(): boolean;
  /** Clears the timer and the listener on the outer signal. Call it when the work is done. */
  dispose(): void;
}

export function boundedSignal(timeoutMs: number, outer?: AbortLike): BoundedSignal {
  const controller = new AbortController();
  let timedOut = false;
  const onOuterAbort = () => controller.abort(outer?.reason);
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('timed out', 'TimeoutError'));
  }, timeoutMs);
  if (outer?.aborted) onOuterAbort();
  else outer?.addEventListener('abort', onOuterAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    },
  };
}
