/**
 * The plain-HTML demo checkout: creates a session on load and shows <bank-pay-session> with
 * a live panel of its events and of the provider-side status.
 */
import '../src/element/define.js';
import type { Product } from '../src/protocol/products.js';
import { createCheckoutSession, type CheckoutSession } from './checkout-api.js';
import { logElementEvents, watchProviderStatus } from './event-log.js';
import { DEMO_STRINGS, type DemoLang } from './strings.js';

const params = new URLSearchParams(location.search);
let lang: DemoLang = params.get('lang') === 'fr' ? 'fr' : 'en';
let product: Product = (['EFT', 'GEFT', 'e-Transfer'] as const).find((p) => p === params.get('product')) ?? 'EFT';
let stopStatusWatch: () => void = () => undefined;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const slot = byId<HTMLDivElement>('payment-slot');

function applyStrings(): void {
  const strings = DEMO_STRINGS[lang];
  document.documentElement.lang = lang === 'fr' ? 'fr-CA' : 'en-CA';
  for (const node of document.querySelectorAll<HTMLElement>('[data-text]')) {
    const key = node.dataset.text as keyof typeof strings;
    if (key in strings) node.textContent = strings[key];
  }
  document.title = `${strings.title} · ${strings.store}`;
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-lang]')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === lang));
  }
}

function rememberChoices(): void {
  const url = new URL(location.href);
  url.searchParams.set('lang', lang);
  url.searchParams.set('product', product);
  history.replaceState(history.state, '', url);
}

function showMessage(text: string, isError = false): void {
  const message = document.createElement('p');
  message.id = 'payment-message';
  message.className = isError ? 'error' : 'muted';
  message.setAttribute('role', isError ? 'alert' : 'status');
  message.textContent = text;
  slot.replaceChildren(message);
}

function renderElement(session: CheckoutSession): HTMLElement {
  const element = document.createElement('bank-pay-session');
  element.setAttribute('src', session.url);
  element.setAttribute('session-id', session.sessionId);
  element.setAttribute('cancel-url', session.cancelUrl);
  element.setAttribute('cancel-token', session.cancelToken);
  element.setAttribute('status-url', session.statusUrl);
  element.setAttribute('expires-at', session.expiresAt);
  element.setAttribute('lang', lang);
  // ?mode=popup or ?mode=iframe; without it the element's default, auto.
  const mode = params.get('mode');
  if (mode) element.setAttribute('mode', mode);
  return element;
}

/**
 * Replaces whatever session is on the page with a new one. Removing the old element is an
 * SPA abandonment, so the old provider session is cancelled, never left open.
 */
async function startCheckout(): Promise<void> {
  stopStatusWatch();
  byId('session-id').textContent = '–';
  byId('provider-status').textContent = '–';
  showMessage(DEMO_STRINGS[lang].creating);
  try {
    const session = await createCheckoutSession(product, lang);
    slot.replaceChildren(renderElement(session));
    byId('session-id').textContent = session.sessionId;
    stopStatusWatch = watchProviderStatus(session.statusUrl, byId('provider-status'));
    window.__bpsDemo = { session };
  } catch (error) {
    showMessage(`${DEMO_STRINGS[lang].createFailed} ${error instanceof Error ? error.message : String(error)}`, true);
  }
}

declare global {
  interface Window {
    /** What the end-to-end tests read: the session this page created. */
    __bpsDemo?: { session: CheckoutSession };
  }
}

function showView(view: 'checkout' | 'shop'): void {
  byId('checkout-view').hidden = view !== 'checkout';
  byId('shop-view').hidden = view !== 'shop';
}

// The "other site": the same dev server under the other loopback name is another origin.
function otherSiteUrl(): string {
  const url = new URL('/demo/elsewhere.html', location.href);
  url.hostname = location.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  return url.toString();
}

function wireControls(): void {
  byId<HTMLAnchorElement>('leave-link').href = otherSiteUrl();

  for (const input of document.querySelectorAll<HTMLInputElement>('input[name="product"]')) {
    input.checked = input.value === product;
    input.addEventListener('change', () => {
      product = input.value as Product;
      rememberChoices();
      void startCheckout();
    });
  }

  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-lang]')) {
    button.addEventListener('click', () => {
      const chosen = button.dataset.lang === 'fr' ? 'fr' : 'en';
      if (chosen === lang) return;
      lang = chosen;
      applyStrings();
      rememberChoices();
      void startCheckout();
    });
  }

  byId('spa-route').addEventListener('click', () => {
    history.pushState({ view: 'shop' }, '', '/shop');
    slot.replaceChildren(); // the route change unmounts the payment, as a router would
    stopStatusWatch();
    showView('shop');
  });
  byId('back-to-checkout').addEventListener('click', () => history.back());
  window.addEventListener('popstate', () => {
    if (location.pathname === '/shop') return;
    showView('checkout');
    void startCheckout();
  });

  byId('new-tab').addEventListener('click', () => window.open(location.href, '_blank', 'noopener'));

  byId('move-element').addEventListener('click', () => {
    const element = document.querySelector('bank-pay-session');
    if (!element) return;
    const target = element.parentElement === slot ? byId('move-target') : slot;
    // A move within the page is not abandonment: no cancel is sent. moveBefore (Chromium 133+)
    // also keeps the frame's state; append reloads the hosted flow, as any moved iframe does.
    if ('moveBefore' in target) target.moveBefore(element, null);
    else (target as HTMLElement).append(element);
  });

  // "Start again" from the element's timed-out state.
  document.addEventListener('bps-restart', () => void startCheckout());
}

applyStrings();
wireControls();
logElementEvents(document, byId('event-log'), DEMO_STRINGS[lang].noEvents);
void startCheckout();
