/**
 * The demo merchant backend: what a merchant writes around the relay. It mounts the relay
 * at /bank-pay/… and adds POST /merchant/sessions, which creates a provider session for the
 * checkout page and hands it the values the element needs.
 */
import { Hono } from 'hono';
import { createRelay, createSession, type RelayOptions } from '../src/relay/index.js';
import { PRODUCTS, type Product } from '../src/protocol/products.js';
import { ORDER_TOTAL } from './order.js';

export interface MerchantAppOptions {
  readonly relay: RelayOptions;
  /** Lifetime of a provider session; must match the provider's onboarding timeout. */
  readonly sessionTimeoutMs?: number;
}

interface CheckoutRequest {
  readonly product: Product;
  readonly lang: 'en' | 'fr';
  readonly amount: number;
}

function readCheckout(body: unknown): CheckoutRequest | string {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const product = record.product ?? 'EFT';
  const lang = record.lang ?? 'en';
  const amount = record.amount ?? ORDER_TOTAL;
  if (!PRODUCTS.includes(product as Product)) return `product must be one of ${PRODUCTS.join(', ')}`;
  if (lang !== 'en' && lang !== 'fr') return 'lang must be en or fr';
  if (typeof amount !== 'number' || !(amount >= 0.01 && amount <= 99_999.99)) return 'amount must be between 0.01 and 99999.99';
  return { product: product as Product, lang, amount: Math.round(amount * 100) / 100 };
}

// A fixed demo payee: GEFT and e-Transfer need the merchant's receiving account.
const DEMO_PAYEE = { account: { institutionCode: '001', transitNumber: '00011', accountNumber: '1234567' } };

export function createMerchantApp(options: MerchantAppOptions) {
  const relay = createRelay(options.relay);
  const app = new Hono();

  app.post('/merchant/sessions', async (c) => {
    const checkout = readCheckout(await c.req.json().catch(() => ({})));
    if (typeof checkout === 'string') return c.json({ error: checkout }, 400);
    try {
      const session = await createSession({
        // In the lease ledger from creation on: a session whose page never loads is cleaned up too.
        track: relay.track,
        provider: options.relay.provider,
        tokenKey: options.relay.tokenKeys[0]!,
        sessionTimeoutMs: options.sessionTimeoutMs,
        request: {
          type: checkout.product === 'e-Transfer' ? 'e-Transfer' : 'EFT',
          direction: 'DEBIT',
          referenceId: `order-${crypto.randomUUID().slice(0, 8)}`,
          currency: 'CAD',
          amount: checkout.amount,
          options: {
            guarantee: { enable: checkout.product === 'GEFT' },
            notificationPreferences: { language: checkout.lang === 'fr' ? 'FR' : 'EN' },
            redirectPreferences: { mode: 'JsEvents' },
          },
          payor: { firstName: 'Alex', lastName: 'Tremblay', email: 'alex@example.com' },
          ...(checkout.product === 'EFT' ? {} : { payee: DEMO_PAYEE }),
        },
      });
      const basePath = options.relay.basePath ?? '/bank-pay';
      const url = new URL(session.url);
      url.searchParams.set('lang', checkout.lang);
      return c.json({
        ...session,
        url: url.toString(),
        product: checkout.product,
        cancelUrl: `${basePath}/cancel`,
        statusUrl: `${basePath}/sessions/${session.sessionId}/status?token=${encodeURIComponent(session.cancelToken)}`,
      });
    } catch (error) {
      // The provider's answer may name the problem, never a secret: createSession keeps them out.
      const message = error instanceof Error ? error.message : String(error);
      console.error(JSON.stringify({ at: new Date().toISOString(), event: 'create-session-failed', message }));
      return c.json({ error: `Could not create a payment session: ${message}` }, 502);
    }
  });

  app.route('/', relay);
  return { app, relay };
}
