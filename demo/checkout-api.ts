/** The demo page's calls to its merchant backend (shared by the plain, React and Vue demos). */
import type { Product } from '../src/protocol/products.js';
import type { StatusResponse } from '../src/protocol/cancel-request.js';
import { isTerminalStatus } from '../src/protocol/status.js';
import { ORDER_TOTAL } from './order.js';

export interface CheckoutSession {
  readonly sessionId: string;
  readonly referenceId: string;
  readonly url: string;
  readonly cancelToken: string;
  readonly expiresAt: string;
  readonly cancelUrl: string;
  readonly statusUrl: string;
  readonly product: Product;
}

export async function createCheckoutSession(product: Product, lang: 'en' | 'fr', amount = ORDER_TOTAL): Promise<CheckoutSession> {
  const response = await fetch('/merchant/sessions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ product, lang, amount }),
  });
  const body = (await response.json().catch(() => ({}))) as Partial<CheckoutSession> & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `The merchant server answered ${response.status}`);
  return body as CheckoutSession;
}

/** What the relay's status route answers (`status` canonical, `providerStatus` as the provider spells it). */
export type ProviderStatus = StatusResponse;

export async function fetchProviderStatus(statusUrl: string): Promise<ProviderStatus | undefined> {
  try {
    const response = await fetch(statusUrl, { cache: 'no-store' });
    if (!response.ok) return undefined;
    return (await response.json()) as ProviderStatus;
  } catch {
    return undefined;
  }
}

/**
 * Polls the relay's status endpoint about every second until the session is terminal, handing
 * each answer to `onStatus`. Returns the function that stops it.
 */
export function pollProviderStatus(statusUrl: string, onStatus: (status: ProviderStatus) => void, intervalMs = 1000): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const poll = async () => {
    const status = await fetchProviderStatus(statusUrl);
    if (stopped) return;
    if (status) onStatus(status);
    if (!status || !isTerminalStatus(status.status)) timer = setTimeout(poll, intervalMs);
  };
  void poll();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
