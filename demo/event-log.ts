/**
 * The demo's live panel: every bps-* event the element fires, and the provider-side status
 * of the session polled from the relay, so a person can watch a cancel land.
 */
import { pollProviderStatus } from './checkout-api.js';
import { describeEvent } from './framework-shell.js';

export const ELEMENT_EVENTS = [
  'bps-ready',
  'bps-step',
  'bps-state-change',
  'bps-close-request',
  'bps-cancel',
  'bps-exit',
  'bps-restart',
] as const;


export function logElementEvents(root: EventTarget, list: HTMLElement, emptyText: string): () => void {
  list.replaceChildren(Object.assign(document.createElement('li'), { className: 'muted', textContent: emptyText }));
  let empty = true;
  const onEvent = (event: Event) => {
    if (empty) {
      list.replaceChildren();
      empty = false;
    }
    const item = document.createElement('li');
    const time = document.createElement('time');
    time.textContent = new Date().toLocaleTimeString('en-CA', { hour12: false });
    const name = document.createElement('strong');
    name.textContent = event.type;
    const detail = document.createElement('span');
    detail.textContent = describeEvent(event);
    item.append(time, ' ', name, ' ', detail);
    list.prepend(item);
  };
  for (const type of ELEMENT_EVENTS) root.addEventListener(type, onEvent);
  return () => {
    for (const type of ELEMENT_EVENTS) root.removeEventListener(type, onEvent);
  };
}

/** Shows the provider-side status of the session in a badge, until it is terminal. */
export function watchProviderStatus(statusUrl: string, badge: HTMLElement): () => void {
  return pollProviderStatus(statusUrl, (status) => {
    badge.textContent = `${status.providerStatus} · ${status.statusDetails}`;
    badge.dataset.status = status.status.toLowerCase();
  });
}
