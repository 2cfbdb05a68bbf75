/**
 * Everything the three demo checkouts share: the page, the product and language choices, the
 * order summary, the abandonment controls, the in-page route, the receipt and the live panel.
 * Each demo only says how it puts the element on the page (`PaymentView`): plain DOM, the React
 * component or the Vue component.
 */
import type { ExitReason } from '../src/element/index.js';
import { PRODUCTS, type Product } from '../src/protocol/products.js';
import { createCheckoutSession, type CheckoutSession } from './checkout-api.js';
import { logElementEvents, watchProviderStatus } from './event-log.js';
import { layoutHtml, type DemoFramework } from './layout.js';
import { formatMoney, ORDER_SUMMARY } from './order.js';
import { DEMO_STRINGS, localeOf, type DemoLang, type DemoText } from './strings.js';

export interface PaymentHandlers {
  /** The element's `bps-exit`. */
  exit(reason: ExitReason): void;
  /** The element's `bps-restart`: the shopper asked for a new session. */
  restart(): void;
}

export interface PaymentView {
  /** Shows the element for this session, replacing any other. */
  show(session: CheckoutSession, lang: DemoLang, on: PaymentHandlers): void;
  /** Takes the element off the page: to the element, an SPA abandonment. */
  clear(): void;
  /**
   * What "move the payment box" moves: the element itself, or the node a framework renders
   * into (moving the element behind the framework's back would break its next update).
   */
  movable(): Element | undefined;
}

declare global {
  interface Window {
    /** What the end-to-end tests read: the session this page created. */
    __bpsDemo?: { session: CheckoutSession };
  }
}

const PRODUCT_TEXT: Readonly<Record<Product, DemoText>> = { EFT: 'productEFT', GEFT: 'productGEFT', 'e-Transfer': 'productETransfer' };

const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

export function startDemo(framework: DemoFramework, createView: (slot: HTMLElement) => PaymentView): void {
  const params = new URLSearchParams(location.search);
  let lang: DemoLang = params.get('lang') === 'fr' ? 'fr' : 'en';
  let product: Product = PRODUCTS.find((choice) => choice === params.get('product')) ?? 'EFT';
  let session: CheckoutSession | undefined;
  let generation = 0;
  let stopStatusWatch: () => void = () => undefined;
  const text = () => DEMO_STRINGS[lang];

  document.body.innerHTML = layoutHtml(framework);
  const slot = byId('payment-slot');
  const receipt = byId('receipt');
  const view = createView(slot);
  logElementEvents(byId('checkout-view'), byId('event-log'), () => text().session);

  function applyStrings(): void {
    const strings = text();
    document.documentElement.lang = localeOf(lang);
    document.title = `${strings.title} · ${strings.store} · bank-pay-session demo`;
    for (const node of document.querySelectorAll<HTMLElement>('[data-text]')) node.textContent = strings[node.dataset.text as DemoText];
    for (const node of document.querySelectorAll<HTMLElement>('[data-label]')) node.setAttribute('aria-label', strings[node.dataset.label as DemoText]);
    for (const button of document.querySelectorAll<HTMLButtonElement>('[data-lang]')) button.setAttribute('aria-pressed', String(button.dataset.lang === lang));
    for (const input of document.querySelectorAll<HTMLInputElement>('input[name="product"]')) input.checked = input.value === product;
    byId('order-summary').replaceChildren(
      ...ORDER_SUMMARY.map((row) => {
        const line = document.createElement('div');
        if (row.kind !== 'item') line.className = `summary__${row.kind}`;
        line.append(Object.assign(document.createElement('dt'), { textContent: strings[row.label] }), Object.assign(document.createElement('dd'), { textContent: formatMoney(row.cents, lang) }));
        return line;
      }),
    );
  }

  function rememberChoices(): void {
    const url = new URL(location.href);
    url.searchParams.set('lang', lang);
    url.searchParams.set('product', product);
    history.replaceState(history.state, '', url);
  }

  function showMessage(message: string, isError = false): void {
    const node = byId('payment-message');
    node.hidden = message === '';
    node.textContent = message;
    node.className = isError ? 'error' : 'muted';
    node.setAttribute('role', isError ? 'alert' : 'status');
  }

  function showReceipt(): void {
    if (!session) return;
    byId('receipt-order').textContent = session.referenceId;
    byId('receipt-amount').textContent = formatMoney(ORDER_SUMMARY.at(-1)!.cents, lang);
    byId('receipt-method').textContent = text()[PRODUCT_TEXT[session.product]];
    byId('receipt-status').textContent = byId('provider-status').textContent;
    receipt.hidden = false;
  }

  const handlers: PaymentHandlers = {
    exit: (reason) => reason === 'completed' && showReceipt(),
    restart: () => void startCheckout(),
  };

  /**
   * Replaces whatever session is on the page with a new one. Taking the old element off the
   * page is an SPA abandonment, so the old provider session is cancelled, never left open.
   */
  async function startCheckout(): Promise<void> {
    const current = ++generation;
    stopStatusWatch();
    view.clear();
    session = undefined;
    receipt.hidden = true;
    byId('session-id').textContent = '–';
    const badge = byId('provider-status');
    badge.textContent = '–';
    delete badge.dataset.status;
    showMessage(text().creating);
    try {
      const created = await createCheckoutSession(product, lang);
      if (current !== generation) return;
      session = created;
      showMessage('');
      view.show(created, lang, handlers);
      byId('session-id').textContent = created.sessionId;
      stopStatusWatch = watchProviderStatus(created.statusUrl, badge, (status) => (byId('receipt-status').textContent = status));
      window.__bpsDemo = { session: created };
    } catch (error) {
      if (current === generation) showMessage(`${text().createFailed} ${error instanceof Error ? error.message : String(error)}`, true);
    }
  }

  // The in-page route: the plain page goes to /shop, the framework pages keep their own path.
  const shopUrl = () => {
    const url = new URL(location.href);
    if (framework === 'html') url.pathname = '/shop';
    else url.searchParams.set('view', 'shop');
    return url;
  };
  const atShop = () => location.pathname === '/shop' || new URLSearchParams(location.search).get('view') === 'shop';

  function showRoute(route: 'checkout' | 'shop'): void {
    for (const node of document.querySelectorAll<HTMLElement>('[data-route]')) node.hidden = node.dataset.route !== route;
  }

  function leaveForShop(): void {
    // The route change unmounts the payment, as a router would. The status watch goes on, so
    // the panel shows the cancel land.
    view.clear();
    receipt.hidden = true;
    showRoute('shop');
  }

  // The "other site": the same dev server under the other loopback name is another origin.
  function otherSiteUrl(): string {
    const url = new URL('/demo/elsewhere.html', location.href);
    url.hostname = location.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
    return url.toString();
  }

  byId<HTMLAnchorElement>('leave-link').href = otherSiteUrl();
  for (const input of document.querySelectorAll<HTMLInputElement>('input[name="product"]')) {
    input.addEventListener('change', () => {
      product = input.value as Product;
      rememberChoices();
      void startCheckout();
    });
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-lang]')) {
    button.addEventListener('click', () => {
      const chosen: DemoLang = button.dataset.lang === 'fr' ? 'fr' : 'en';
      if (chosen === lang) return;
      lang = chosen;
      applyStrings();
      rememberChoices();
      void startCheckout();
    });
  }
  byId('spa-route').addEventListener('click', () => {
    history.pushState({ view: 'shop' }, '', shopUrl());
    leaveForShop();
  });
  byId('back-to-checkout').addEventListener('click', () => history.back());
  window.addEventListener('popstate', () => {
    if (atShop()) return leaveForShop();
    showRoute('checkout');
    void startCheckout();
  });
  byId('new-tab').addEventListener('click', () => window.open(location.href, '_blank', 'noopener'));
  byId('move-element').addEventListener('click', () => {
    const box = view.movable();
    if (!box) return;
    const target = box.parentElement === slot ? byId('move-target') : slot;
    // A move within the page is not abandonment: no cancel is sent. moveBefore (Chromium 133+)
    // also keeps the frame's state; append reloads the hosted flow, as any moved iframe does.
    if ('moveBefore' in target) target.moveBefore(box, null);
    else (target as HTMLElement).append(box);
  });
  byId('new-order').addEventListener('click', () => void startCheckout());

  if (atShop()) history.replaceState(null, '', framework === 'html' ? '/' : location.pathname);
  rememberChoices();
  applyStrings();
  showRoute('checkout');
  void startCheckout();
}
