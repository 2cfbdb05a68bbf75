/** The demo checkout built with Vue 3 and `bank-pay-session/vue` (render functions, no compiler). */
import { createApp, defineComponent, h, onBeforeUnmount, ref, watch, watchEffect } from 'vue';
import { BankPaySession } from '../src/vue/index.js';
import type { Product } from '../src/protocol/products.js';
import { createCheckoutSession, pollProviderStatus, type CheckoutSession, type ProviderStatus } from './checkout-api.js';
import { logEntry, PRODUCTS, type LoggedEvent } from './framework-shell.js';
import { DEMO_STRINGS, type DemoLang } from './strings.js';

/** `?mode=popup` / `?mode=iframe`, as on the plain checkout; otherwise the element's default, auto. */
const mode = new URLSearchParams(location.search).get('mode') as 'auto' | 'iframe' | 'popup' | null;

const Checkout = defineComponent({
  name: 'Checkout',
  setup() {
    const lang = ref<DemoLang>('en');
    const product = ref<Product>('EFT');
    const attempt = ref(0);
    const session = ref<CheckoutSession>();
    const error = ref<string>();
    const providerStatus = ref<ProviderStatus>();
    const events = ref<LoggedEvent[]>([]);

    // A new session whenever the product, the language or "start again" asks for one. The old
    // <BankPaySession> unmounts (an SPA abandonment), so its provider session is cancelled.
    watch(
      [product, lang, attempt],
      (_now, _before, onCleanup) => {
        let current = true;
        onCleanup(() => (current = false));
        session.value = undefined;
        error.value = undefined;
        createCheckoutSession(product.value, lang.value).then(
          (created) => {
            if (!current) return;
            session.value = created;
            window.__bpsDemo = { session: created };
          },
          (failure: unknown) => current && (error.value = failure instanceof Error ? failure.message : String(failure)),
        );
      },
      { immediate: true },
    );

    let stopPolling: () => void = () => undefined;
    watch(
      () => session.value?.statusUrl,
      (statusUrl) => {
        stopPolling();
        providerStatus.value = undefined;
        if (statusUrl) stopPolling = pollProviderStatus(statusUrl, (status) => (providerStatus.value = status));
      },
      { immediate: true },
    );
    onBeforeUnmount(() => stopPolling());
    watchEffect(() => (document.documentElement.lang = lang.value === 'fr' ? 'fr-CA' : 'en-CA'));

    const log = (event: Event) => (events.value = [logEntry(event), ...events.value].slice(0, 50));

    return () => {
      const strings = DEMO_STRINGS[lang.value];
      const payment = error.value
        ? h('p', { class: 'error', role: 'alert' }, `${strings.createFailed} ${error.value}`)
        : session.value
          ? h(BankPaySession, {
              key: session.value.sessionId,
              src: session.value.url,
              sessionId: session.value.sessionId,
              cancelUrl: session.value.cancelUrl,
              cancelToken: session.value.cancelToken,
              statusUrl: session.value.statusUrl,
              expiresAt: session.value.expiresAt,
              lang: lang.value,
              mode: mode ?? undefined,
              onBpsReady: log,
              onBpsStep: log,
              onBpsStateChange: log,
              onBpsCloseRequest: log,
              onBpsCancel: log,
              onBpsExit: log,
              onBpsRestart: (event: Event) => {
                log(event);
                attempt.value++;
              },
            })
          : h('p', { class: 'muted', role: 'status' }, strings.creating);
      const status = providerStatus.value;
      return [
        h('header', { class: 'topbar' }, [
          h('span', { class: 'brand' }, `${strings.store} · Vue`),
          h('nav', { class: 'topbar__demos', 'aria-label': 'Demos' }, [h('a', { href: '/' }, 'HTML'), h('a', { href: '/demo/react.html' }, 'React')]),
        ]),
        h('main', { class: 'checkout' }, [
          h('section', { class: 'checkout__grid' }, [
            h('div', { class: 'checkout__main' }, [
              h('h1', strings.title),
              h('section', { class: 'card', 'aria-labelledby': 'pay-with-heading' }, [
                h('h2', { id: 'pay-with-heading' }, strings.payWith),
                h('fieldset', { class: 'choices' }, [
                  h('legend', { class: 'visually-hidden' }, strings.payWith),
                  ...PRODUCTS.map((choice) =>
                    h('label', { key: choice.product }, [
                      h('input', { type: 'radio', name: 'product', value: choice.product, checked: product.value === choice.product, onChange: () => (product.value = choice.product) }),
                      ' ',
                      choice.label(lang.value),
                    ]),
                  ),
                ]),
                h('div', { class: 'lang-switch', role: 'group', 'aria-label': strings.language }, [
                  h('span', strings.language),
                  h('button', { type: 'button', 'aria-pressed': String(lang.value === 'en'), onClick: () => (lang.value = 'en') }, 'English'),
                  h('button', { type: 'button', 'aria-pressed': String(lang.value === 'fr'), onClick: () => (lang.value = 'fr') }, 'Français'),
                ]),
              ]),
              h('section', { class: 'card', 'aria-labelledby': 'payment-heading' }, [
                h('h2', { id: 'payment-heading' }, strings.payment),
                h('div', { class: 'payment-slot' }, [payment]),
              ]),
            ]),
            h('aside', { class: 'checkout__side' }, [
              h('section', { class: 'card devpanel', 'aria-labelledby': 'hood-heading' }, [
                h('h2', { id: 'hood-heading' }, strings.underTheHood),
                h('dl', { class: 'devpanel__facts' }, [
                  h('div', [h('dt', strings.session), h('dd', [h('code', { id: 'session-id' }, session.value?.sessionId ?? '–')])]),
                  h('div', [
                    h('dt', strings.providerStatus),
                    h('dd', [h('span', { id: 'provider-status', class: 'badge', 'data-status': status?.status.toLowerCase() }, status ? `${status.providerStatus} · ${status.statusDetails}` : '–')]),
                  ]),
                ]),
                h('h3', strings.events),
                h(
                  'ol',
                  { class: 'event-log', 'aria-live': 'polite' },
                  events.value.length === 0
                    ? [h('li', { class: 'muted' }, strings.noEvents)]
                    : events.value.map((entry) => h('li', { key: entry.id }, [h('time', entry.time), ' ', h('strong', entry.type), ' ', h('span', entry.detail)])),
                ),
              ]),
            ]),
          ]),
        ]),
      ];
    };
  },
});

createApp(Checkout).mount('#app');
