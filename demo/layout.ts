/**
 * The demo checkout's page, the same for the plain, React and Vue demos: only how the element
 * gets into `#payment-slot` differs between them. Text comes from the string tables (`data-text`), so
 * the markup holds no words of either language.
 */

export type DemoFramework = 'html' | 'react' | 'vue';

export const DEMO_PAGES: ReadonlyArray<{ readonly framework: DemoFramework; readonly name: string; readonly path: string }> = [
  { framework: 'html', name: 'HTML', path: '/' },
  { framework: 'react', name: 'React', path: '/demo/react.html' },
  { framework: 'vue', name: 'Vue', path: '/demo/vue.html' },
];

export function layoutHtml(current: DemoFramework): string {
  const links = DEMO_PAGES.map(
    (page) => `<a href="${page.path}"${page.framework === current ? ' aria-current="page"' : ''}>${page.name}</a>`,
  ).join('\n');
  return `
<header class="topbar">
  <span class="brand"><span data-text="store"></span>${current === 'html' ? '' : ` · ${DEMO_PAGES.find((page) => page.framework === current)?.name ?? ''}`}</span>
  <nav class="topbar__demos" data-label="demos"><span data-text="demosIn"></span>
${links}
  </nav>
</header>

<main class="checkout">
  <div class="checkout__grid">
    <div class="checkout__main">
      <div id="checkout-view" class="stack" data-route="checkout">
        <h1 data-text="title"></h1>

        <section class="card" aria-labelledby="pay-with-heading">
          <h2 id="pay-with-heading" data-text="payWith"></h2>
          <fieldset class="choices" id="product-choice">
            <legend class="visually-hidden" data-text="payWith"></legend>
            <label><input type="radio" name="product" value="EFT" /> <span data-text="productEFT"></span></label>
            <label><input type="radio" name="product" value="GEFT" /> <span data-text="productGEFT"></span></label>
            <label><input type="radio" name="product" value="e-Transfer" /> <span data-text="productETransfer"></span></label>
          </fieldset>
          <div class="lang-switch" role="group" aria-labelledby="lang-label">
            <span id="lang-label" data-text="language"></span>
            <button type="button" data-lang="en" lang="en">English</button>
            <button type="button" data-lang="fr" lang="fr">Français</button>
          </div>
        </section>

        <section class="card" aria-labelledby="payment-heading">
          <h2 id="payment-heading" data-text="payment"></h2>
          <div id="payment-slot" class="payment-slot">
            <p id="payment-message" class="muted" role="status"></p>
            <p class="payment-progress"><span class="spinner" aria-hidden="true"></span><span data-text="loading"></span></p>
          </div>
          <section id="receipt" class="receipt" aria-labelledby="receipt-heading" hidden>
            <h3 id="receipt-heading" data-text="paidTitle"></h3>
            <dl class="summary">
              <div><dt data-text="order"></dt><dd id="receipt-order"></dd></div>
              <div><dt data-text="amount"></dt><dd id="receipt-amount"></dd></div>
              <div><dt data-text="method"></dt><dd id="receipt-method"></dd></div>
              <div><dt data-text="providerStatus"></dt><dd id="receipt-status"></dd></div>
            </dl>
            <button type="button" id="new-order" data-text="newOrder"></button>
          </section>
        </section>
        <div id="move-target" class="move-target"></div>
      </div>

      <section id="shop-view" class="card shop" data-route="shop" hidden>
        <h1 data-text="shopTitle"></h1>
        <p data-text="shopText"></p>
        <button type="button" id="back-to-checkout" data-text="backToCheckout"></button>
      </section>
    </div>

    <aside class="checkout__side">
      <section class="card" aria-labelledby="summary-heading" data-route="checkout">
        <h2 id="summary-heading" data-text="orderSummary"></h2>
        <dl class="summary" id="order-summary"></dl>
      </section>

      <section class="card" aria-labelledby="abandon-heading" data-route="checkout">
        <h2 id="abandon-heading" data-text="tryAbandoning"></h2>
        <ul class="actions">
          <li><a id="leave-link" href="/demo/elsewhere.html" data-text="leave"></a></li>
          <li><button type="button" id="spa-route" data-text="spaRoute"></button></li>
          <li><button type="button" id="new-tab" data-text="newTab"></button></li>
          <li><button type="button" id="move-element" data-text="move"></button></li>
        </ul>
      </section>

      <section class="card devpanel" aria-labelledby="hood-heading">
        <h2 id="hood-heading" data-text="underTheHood"></h2>
        <dl class="devpanel__facts">
          <div><dt data-text="session"></dt><dd><code id="session-id">–</code></dd></div>
          <div><dt data-text="providerStatus"></dt><dd><span id="provider-status" class="badge">–</span></dd></div>
        </dl>
        <h3 id="events-heading" data-text="events"></h3>
        <ol id="event-log" class="event-log" tabindex="0" aria-labelledby="events-heading" aria-live="polite"><li class="muted" data-empty data-text="noEvents"></li></ol>
      </section>
    </aside>
  </div>
</main>`;
}
