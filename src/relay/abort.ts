/**
 * A per-request abort signal bounded by a timeout and by a long-lived outer signal (the
 * relay's shutdown), that leaves nothing behind on the outer signal once disposed.
 * `AbortSignal.any([timeout, outer])` would do the same in one line, but on Node 20 it keeps
 * a reference from `outer` to every signal ever derived from it until `outer` aborts, which a
 * shutdown signal never does: memory grows with every provider call.
 */

export interface BoundedSignal {
  readonly signal: AbortSignal;
  /** True once the timeout (not the outer signal) aborted it. */
  timedOut(): boolean;
  /** Clears the timer and the listener on the outer signal. Call it when the work is done. */
  dispose(): void;
}

export function boundedSignal(timeoutMs: number, outer?: AbortSignal): BoundedSignal {
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
