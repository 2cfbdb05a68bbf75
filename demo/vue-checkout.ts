/** The demo checkout with Vue 3: `bank-pay-session/vue` renders the element (render functions, no compiler). */
import { createApp, defineComponent, h, shallowRef } from 'vue';
import { BankPaySession, type BpsExitEvent } from '../src/vue/index.js';
import type { CheckoutSession } from './checkout-api.js';
import { startDemo, type PaymentHandlers } from './shell.js';
import type { DemoLang } from './strings.js';

/** `?mode=popup` / `?mode=iframe`, as on the plain checkout; without it the element's default, auto. */
const mode = (new URLSearchParams(location.search).get('mode') ?? undefined) as 'auto' | 'iframe' | 'popup' | undefined;

startDemo('vue', (slot) => {
  const mount = slot.appendChild(document.createElement('div'));
  const shown = shallowRef<{ session: CheckoutSession; lang: DemoLang; on: PaymentHandlers }>();
  const Payment = defineComponent({
    name: 'Payment',
    setup: () => () => {
      if (!shown.value) return null;
      const { session, lang, on } = shown.value;
      return h(BankPaySession, {
        key: session.sessionId,
        src: session.url,
        sessionId: session.sessionId,
        cancelUrl: session.cancelUrl,
        cancelToken: session.cancelToken,
        statusUrl: session.statusUrl,
        expiresAt: session.expiresAt,
        lang,
        mode,
        onBpsExit: (event: BpsExitEvent) => on.exit(event.reason),
        onBpsRestart: () => on.restart(),
      });
    },
  });
  createApp(Payment).mount(mount);
  return {
    show: (session, lang, on) => (shown.value = { session, lang, on }),
    clear: () => (shown.value = undefined),
    movable: () => mount,
  };
});
