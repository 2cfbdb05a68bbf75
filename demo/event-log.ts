/**
 * The demo's live panel: every bps-* event of every element shown on the page, and the
 * provider-side status of the session polled from the relay, so a person can watch a cancel land.
 */
import { pollProviderStatus, type ProviderStatus } from './checkout-api.js';

export const ELEMENT_EVENTS = [
  'bps-ready',
  'bps-step',
  'bps-state-change',
  'bps-close-request',
  'bps-cancel',
  'bps-exit',
  'bps-restart',
] as const;

/** The event's own fields, for the log: the session id is said once per session, empty data not at all. */
export function describeEvent(event: Event): string {
  return Object.entries(event)
    .filter(([key, value]) => key !== 'isTrusted' && key !== 'sessionId' && !key.startsWith('_') && value !== undefined && typeof value !== 'function')
    .filter(([, value]) => !(typeof value === 'object' && value !== null && Object.keys(value).length === 0))
    .map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' · ');
}

function sessionOf(event: Event): string {
  const { sessionId } = event as Event & { sessionId?: unknown };
  return typeof sessionId === 'string' ? sessionId : '';
}

/** The first block of a UUID: enough to tell this page's sessions apart. */
export function shortSessionId(sessionId: string): string {
  return sessionId.length > 8 ? `${sessionId.slice(0, 8)}…` : sessionId;
}

/**
 * Logs the events of every `<bank-pay-session>` that appears under `root`, newest first.
 * Listens on each element itself: an element that was just removed (an SPA route change)
 * still reports its cancel, and a removed element's events reach no ancestor.
 */
export function logElementEvents(root: HTMLElement, list: HTMLElement, sessionLabel: () => string): void {
  const seen = new WeakSet<Element>();
  // One group per session, newest first: the session id is said once, in the group's heading.
  const groupFor = (sessionId: string): HTMLElement => {
    const found = Array.from(list.children).find((group) => (group as HTMLElement).dataset.session === sessionId);
    if (found) return found.querySelector('ol')!;
    const group = document.createElement('li');
    group.dataset.session = sessionId;
    const heading = document.createElement('p');
    heading.className = 'event-log__session';
    heading.textContent = `${sessionLabel()} ${shortSessionId(sessionId)}`;
    heading.title = sessionId;
    const entries = document.createElement('ol');
    group.append(heading, entries);
    list.prepend(group);
    return entries;
  };
  const onEvent = (event: Event) => {
    list.querySelector('[data-empty]')?.remove();
    const item = document.createElement('li');
    const time = document.createElement('time');
    time.textContent = new Date().toLocaleTimeString('en-CA', { hour12: false });
    const name = document.createElement('strong');
    name.textContent = event.type;
    const detail = describeEvent(event);
    item.append(time, ' ', name, ...(detail ? [' ', Object.assign(document.createElement('span'), { textContent: detail })] : []));
    groupFor(sessionOf(event)).prepend(item);
  };
  const track = (node: Node) => {
    if (!(node instanceof Element)) return;
    const elements = node.matches('bank-pay-session') ? [node] : Array.from(node.querySelectorAll('bank-pay-session'));
    for (const element of elements) {
      if (seen.has(element)) continue;
      seen.add(element);
      for (const type of ELEMENT_EVENTS) element.addEventListener(type, onEvent);
    }
  };
  track(root);
  new MutationObserver((records) => records.forEach((record) => record.addedNodes.forEach(track))).observe(root, { childList: true, subtree: true });
}

/** Shows the provider-side status of the session in a badge, until it is terminal. */
export function watchProviderStatus(statusUrl: string, badge: HTMLElement, onStatus: (text: string) => void = () => undefined): () => void {
  return pollProviderStatus(statusUrl, (status: ProviderStatus) => {
    const text = `${status.providerStatus} · ${status.statusDetails}`;
    badge.textContent = text;
    badge.dataset.status = status.status.toLowerCase();
    onStatus(text);
  });
}
