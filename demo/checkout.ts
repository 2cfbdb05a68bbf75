/**
 * The plain-HTML demo checkout: `<bank-pay-session>` made with the DOM, its attributes set
 * from the session the merchant server created, its events listened to.
 */
import '../src/element/define.js';
import type { BankPaySession } from '../src/element/index.js';
import { startDemo } from './shell.js';

/** `?mode=popup` / `?mode=iframe`; without it the element's default, auto. */
const mode = new URLSearchParams(location.search).get('mode');

startDemo('html', (slot) => {
  let element: BankPaySession | undefined;
  return {
    show(session, lang, on) {
      element?.remove();
      element = document.createElement('bank-pay-session');
      element.setAttribute('src', session.url);
      element.setAttribute('session-id', session.sessionId);
      element.setAttribute('cancel-url', session.cancelUrl);
      element.setAttribute('cancel-token', session.cancelToken);
      element.setAttribute('status-url', session.statusUrl);
      element.setAttribute('expires-at', session.expiresAt);
      element.setAttribute('lang', lang);
      if (mode) element.setAttribute('mode', mode);
      element.addEventListener('bps-exit', (event) => on.exit(event.reason));
      element.addEventListener('bps-restart', () => on.restart());
      slot.append(element);
    },
    clear() {
      element?.remove();
      element = undefined;
    },
    movable: () => element,
  };
});
