/**
 * The delivery benchmark's checkout page, in three variants chosen by `data-variant` on
 * <html>. All three create the session the same way (POST /merchant/sessions, through the
 * demo's own call), show the same hosted flow and send the same cancel body to the same
 * relay; only the way the cancel is sent differs:
 *
 * - `element`:      <bank-pay-session>, as a merchant ships it: the minified self-contained
 *                   file (bench/out/, built by the bench from src/ at the start of the run).
 * - `naive-fetch`:  a plain iframe; `fetch(cancelUrl, {method: 'POST', body})` without
 *                   keepalive from `beforeunload`.
 * - `naive-beacon`: a plain iframe; `navigator.sendBeacon(cancelUrl, body)` from `unload`.
 *
 * Cancels (and the element's status checks) go straight to the relay's origin, given as the
 * `relay` query parameter, like a relay on its own API host: through the dev server's proxy,
 * a reload's module requests would queue in front of the very cancel being timed.
 *
 * The naive pages' own close button sends their naive request on click and removes the frame.
 * A route change (#spa-route) and a DOM move (#move-element) remove or move the embed and
 * send nothing themselves: only the element reacts to them.
 */
import { createCheckoutSession } from '../../demo/checkout-api.js';
import { encodeCancelRequest, type CancelReason } from '../../src/protocol/cancel-request.js';

type Variant = 'element' | 'naive-fetch' | 'naive-beacon';

const variant = document.documentElement.dataset.variant as Variant;
const slot = document.getElementById('payment-slot') as HTMLDivElement;
const moveTarget = document.getElementById('move-target') as HTMLDivElement;

// Whether the page went into the back/forward cache; the next page of this tab reads it.
window.addEventListener('pagehide', (event) => sessionStorage.setItem('bench-pagehide-persisted', String(event.persisted)));

function otherSiteUrl(): string {
  const url = new URL('/bench/raw/elsewhere.html', location.href);
  url.hostname = location.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  return url.toString();
}

const relayOrigin = new URLSearchParams(location.search).get('relay') ?? location.origin;
const created = await createCheckoutSession('EFT', 'en');
const session = {
  ...created,
  cancelUrl: new URL(created.cancelUrl, relayOrigin).href,
  statusUrl: new URL(created.statusUrl, relayOrigin).href,
};
window.__bpsDemo = { session };
const markReady = () => (document.body.dataset.state = 'active');

/** Built by the bench before any page is opened (bench/pages/build.ts). */
const STANDALONE_ELEMENT: string = '/bench/raw/bank-pay-session.standalone.js';

async function embedElement(): Promise<HTMLElement> {
  await import(/* @vite-ignore */ STANDALONE_ELEMENT);
  const element = document.createElement('bank-pay-session');
  element.setAttribute('src', session.url);
  element.setAttribute('session-id', session.sessionId);
  element.setAttribute('cancel-url', session.cancelUrl);
  element.setAttribute('cancel-token', session.cancelToken);
  element.setAttribute('status-url', session.statusUrl);
  element.setAttribute('expires-at', session.expiresAt);
  const mode = new URLSearchParams(location.search).get('mode');
  if (mode) element.setAttribute('mode', mode);
  element.addEventListener('bps-ready', markReady, { once: true });
  // The element heard from the flow (in its window, in popup mode): a close is then a close.
  element.addEventListener('bps-step', () => (document.body.dataset.heard = 'true'), { once: true });
  return element;
}

function embedNaive(naive: 'fetch' | 'beacon'): HTMLElement {
  const frame = document.createElement('iframe');
  frame.title = 'Pay by bank';
  frame.src = session.url;
  frame.addEventListener('load', markReady, { once: true });
  const sendCancel = (reason: CancelReason) => {
    const body = encodeCancelRequest({ sessionId: session.sessionId, token: session.cancelToken, reason });
    if (naive === 'fetch') void fetch(session.cancelUrl, { method: 'POST', body }).catch(() => undefined);
    else navigator.sendBeacon(session.cancelUrl, body);
  };
  if (naive === 'fetch') window.addEventListener('beforeunload', () => sendCancel('page-unload'));
  else window.addEventListener('unload', () => sendCancel('page-unload'));
  const close = document.createElement('button');
  close.type = 'button';
  close.id = 'close-button';
  close.textContent = 'Close';
  close.addEventListener('click', () => {
    sendCancel('close-button');
    frame.remove();
    close.remove();
  });
  slot.before(close);
  return frame;
}

const embed = variant === 'element' ? await embedElement() : embedNaive(variant === 'naive-beacon' ? 'beacon' : 'fetch');
slot.append(embed);

document.getElementById('spa-route')!.addEventListener('click', () => {
  history.pushState({ view: 'shop' }, '', '/shop');
  embed.remove(); // the route change unmounts the payment, as a router would
});
document.getElementById('move-element')!.addEventListener('click', () => {
  const target = embed.parentElement === slot ? moveTarget : slot;
  // As the demo does: moveBefore (Chromium 133+) keeps the frame; append reloads it.
  if ('moveBefore' in target) target.moveBefore(embed, null);
  else (target as HTMLElement).append(embed);
});
(document.getElementById('leave-link') as HTMLAnchorElement).href = otherSiteUrl();
