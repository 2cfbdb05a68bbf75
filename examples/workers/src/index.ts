/**
 * A merchant checkout as one Cloudflare Worker:
 *
 *   GET  /                     the checkout page (checkout.html)
 *   GET  /bank-pay-session.js  the element, as one file
 *   POST /checkout/session     creates a provider session for the page
 *   *    /bank-pay/...         the relay: cancels, status checks, webhooks
 *
 * Configuration comes from the Worker's bindings ([vars] in wrangler.toml, secrets in
 * .dev.vars locally), under the same BPS_* names as `npx bank-pay-session relay`.
 */
import { createRelay, createSession, relayOptionsFromEnv, RelayConfigError, type RelayApp, type RelayOptions } from 'bank-pay-session/relay';
import elementScript from 'bank-pay-session/standalone';
import checkoutPage from './checkout.html';

type Env = Readonly<Record<string, string | undefined>>;
type ExecutionContext = Parameters<RelayApp['fetch']>[2];

interface Relay {
  readonly app: RelayApp;
  readonly options: RelayOptions;
}

// A module Worker sees its bindings only in a request, so the relay is built on the first one
// and kept for the isolate's life.
let relay: Relay | undefined;

function relayFor(env: Env): Relay {
  if (!relay) {
    // Leases (heartbeats, the beforeunload intent) are off here by default: each isolate has its
    // own memory. The pagehide, removal and close-button cancels do not need them.
    const options = relayOptionsFromEnv(env);
    relay = { app: createRelay(options), options };
  }
  return relay;
}

async function newCheckoutSession(request: Request, { provider, tokenKeys, basePath = '/bank-pay' }: RelayOptions): Promise<Response> {
  const body: unknown = await request.json().catch(() => ({}));
  const lang = (body as { lang?: unknown }).lang === 'fr' ? 'fr' : 'en';
  try {
    const session = await createSession({
      provider,
      tokenKey: tokenKeys[0]!,
      request: {
        type: 'EFT',
        direction: 'DEBIT',
        referenceId: `order-${crypto.randomUUID().slice(0, 8)}`,
        // A real shop takes the amount and the payor from its cart and customer account.
        amount: 42.5,
        options: {
          guarantee: { enable: false },
          notificationPreferences: { language: lang === 'fr' ? 'FR' : 'EN' },
          redirectPreferences: { mode: 'JsEvents' },
        },
        payor: { firstName: 'Alex', lastName: 'Tremblay', email: 'alex@example.com' },
      },
    });
    return Response.json({
      ...session,
      lang,
      cancelUrl: `${basePath}/cancel`,
      statusUrl: `${basePath}/sessions/${session.sessionId}/status?token=${encodeURIComponent(session.cancelToken)}`,
    });
  } catch (error) {
    // createSession's messages name the provider's answer, never a secret.
    const message = error instanceof Error ? error.message : String(error);
    return Response.json({ error: `Could not create a payment session: ${message}` }, { status: 502 });
  }
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (request.method === 'GET' && pathname === '/') {
      return new Response(checkoutPage, { headers: { 'content-type': 'text/html; charset=utf-8' } });
    }
    if (request.method === 'GET' && pathname === '/bank-pay-session.js') {
      return new Response(elementScript, { headers: { 'content-type': 'text/javascript; charset=utf-8' } });
    }
    let current: Relay;
    try {
      current = relayFor(env);
    } catch (error) {
      // Names the missing or weak settings, never their values.
      if (error instanceof RelayConfigError) return new Response(error.message, { status: 500 });
      throw error;
    }
    if (request.method === 'POST' && pathname === '/checkout/session') return newCheckoutSession(request, current.options);
    return current.app.fetch(request, env, ctx);
  },
};
