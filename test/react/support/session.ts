/**
 * Helpers the React and Vue wrapper tests share: a session whose hosted flow is a local
 * stand-in page and whose cancels go to the cancel recorder (test/support/cancel-recorder.mjs),
 * which keeps every request that really reached the server.
 */
import { waitUntil } from '@open-wc/testing';

export interface TestSession {
  src: string;
  sessionId: string;
  cancelUrl: string;
  cancelToken: string;
}

export interface RecordedCancel {
  contentType: string;
  body: { sessionId?: string; token?: string; reason?: string } | undefined;
}

export function newSession(): TestSession {
  return {
    src: new URL('/test/react/fixtures/hosted-flow.html', location.origin).href,
    sessionId: crypto.randomUUID(),
    cancelUrl: '/__recorder/cancel',
    cancelToken: `wrapper-test-token-${crypto.randomUUID()}`,
  };
}

export async function recordedCancels(sessionId: string): Promise<RecordedCancel[]> {
  const response = await fetch(`/__recorder/requests?sessionId=${encodeURIComponent(sessionId)}`);
  return (await response.json()) as RecordedCancel[];
}

/**
 * Waits for the session's first cancel to reach the server, then fires another abandonment
 * signal and leaves the same window for a duplicate to land before returning them all.
 */
export async function cancelsAfterAbandonment(sessionId: string): Promise<RecordedCancel[]> {
  let received: RecordedCancel[] = [];
  await waitUntil(async () => (received = await recordedCancels(sessionId)).length > 0, 'no cancel reached the server', {
    timeout: 5000,
  });
  window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
  await new Promise((resolve) => setTimeout(resolve, 300));
  return recordedCancels(sessionId);
}

/** The element inside `container` once it is there. */
export function elementIn<E extends Element>(container: ParentNode, selector = 'bank-pay-session'): E {
  const element = container.querySelector<E & Element>(selector);
  if (!element) throw new Error(`no <${selector}> rendered`);
  return element;
}

/** A recording stand-in for a handler. */
export function spy<A extends unknown[]>(): ((...args: A) => void) & { calls: A[] } {
  const calls: A[] = [];
  return Object.assign((...args: A) => void calls.push(args), { calls });
}
