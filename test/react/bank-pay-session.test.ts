/**
 * The React wrapper, rendered by the real react-dom in Chromium: props reach the element as
 * properties, every `on…` prop receives its event, the ref is the element, and unmounting is an
 * SPA abandonment that sends exactly one cancel (checked on what reached the server).
 */
import { expect, waitUntil } from '@open-wc/testing';
import type * as ReactModule from 'react';
import type * as ReactDomModule from 'react-dom';
import type * as ReactDomClientModule from 'react-dom/client';
import {
  BankPaySession as BankPaySessionElement,
  BpsCloseRequestEvent,
  BpsReadyEvent,
  BpsStateChangeEvent,
  type BankPaySessionEventMap,
} from '../../src/element/index.js';
import { createBankPaySessionComponent, type BankPaySessionProps } from '../../src/react/create-component.js';
import { EVENT_PROP_NAMES } from '../../src/react/event-props.js';
import { loadCommonJs } from './support/commonjs.js';
import { cancelsAfterAbandonment, elementIn, newSession, recordedCancels, spy } from './support/session.js';

const React = await loadCommonJs<typeof ReactModule>('react');
const { createRoot } = await loadCommonJs<typeof ReactDomClientModule>('react-dom/client');
const { flushSync } = await loadCommonJs<typeof ReactDomModule>('react-dom');
const BankPaySession = createBankPaySessionComponent(React);

type Mounted = { container: HTMLElement; render(props: BankPaySessionProps): void; unmount(): void };
let mounted: Mounted[] = [];

function mount(props: BankPaySessionProps): Mounted {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  const render = (next: BankPaySessionProps) => flushSync(() => root.render(React.createElement(BankPaySession, next)));
  const handle = { container, render, unmount: () => root.unmount() };
  mounted.push(handle);
  render(props);
  return handle;
}

afterEach(() => {
  for (const { container, unmount } of mounted) {
    // Settled sessions first, so tidying up sends nothing to the recorder.
    const element = container.querySelector('bank-pay-session');
    element?.setAttribute('cancel-on', '');
    unmount();
    container.remove();
  }
  mounted = [];
});

// Elements and events are compared as booleans: a failing chai assertion on a framework-managed
// element makes web-test-runner serialise its whole object graph, which hangs the page.
describe('React <BankPaySession>', () => {
  it('registers the element and renders it', () => {
    const { container } = mount({});
    expect(customElements.get('bank-pay-session')).to.equal(BankPaySessionElement);
    expect(elementIn(container) instanceof BankPaySessionElement, 'an upgraded element').to.equal(true);
  });

  it("sets its props as the element's properties", () => {
    const session = newSession();
    const { container } = mount({
      ...session,
      statusUrl: `/__recorder/status/${session.sessionId}`,
      expiresAt: '2099-01-01T00:00:00Z',
      cancelOn: 'close removal',
      hiddenDelay: 1234,
      lang: 'fr',
      className: 'checkout-frame',
      id: 'pay',
    });
    const element = elementIn<BankPaySessionElement>(container);
    expect(element.src).to.equal(session.src);
    expect(element.sessionId).to.equal(session.sessionId);
    expect(element.cancelUrl).to.equal(session.cancelUrl);
    expect(element.cancelToken).to.equal(session.cancelToken);
    expect(element.statusUrl).to.equal(`/__recorder/status/${session.sessionId}`);
    expect(element.expiresAt).to.equal('2099-01-01T00:00:00Z');
    expect(element.cancelOn).to.equal('close removal');
    expect(element.hiddenDelay).to.equal(1234);
    expect(element.lang).to.equal('fr');
    expect(element.className).to.equal('checkout-frame');
    expect(element.id).to.equal('pay');
  });

  it('writes each prop as the attribute the element reads too, and keeps it in step', () => {
    const session = newSession();
    const { container, render } = mount({ ...session, expiresAt: 4102444800000, hiddenDelay: 1234, lang: 'fr' });
    const element = elementIn<BankPaySessionElement>(container);
    const attributes = () => Object.fromEntries([...element.attributes].map((attribute) => [attribute.name, attribute.value]));
    expect(attributes()).to.include({
      src: session.src,
      'session-id': session.sessionId,
      'cancel-url': session.cancelUrl,
      'cancel-token': session.cancelToken,
      'expires-at': '4102444800000',
      'hidden-delay': '1234',
      lang: 'fr',
    });
    expect(element.expiresAt, 'the property keeps the type it was given').to.equal(4102444800000);
    expect(Object.keys(attributes()).filter((name) => /^(sessionid|canceltoken|cancelurl|expiresat|hiddendelay)$/.test(name))).to.deep.equal([]);

    const next = newSession();
    render({ ...next, lang: 'en' });
    expect(attributes()).to.include({ src: next.src, 'session-id': next.sessionId, 'cancel-token': next.cancelToken, lang: 'en' });
    expect(element.src).to.equal(next.src);
    expect('expires-at' in attributes() || 'hidden-delay' in attributes(), 'attributes of props no longer given are gone').to.equal(false);
  });

  it('leaves the frame to the element when rendered in the browser only', async () => {
    const { container } = mount(newSession());
    const element = elementIn<BankPaySessionElement>(container);
    await element.updateComplete;
    expect(element.querySelector('iframe') === null, 'no frame written into the tag').to.equal(true);
    expect(element.shadowRoot?.querySelector('iframe[part~="frame"]') != null, "the element's own frame").to.equal(true);
  });

  it('updates the same element when props change', () => {
    const session = newSession();
    const { container, render } = mount({ ...session, cancelOn: 'close' });
    const element = elementIn<BankPaySessionElement>(container);
    render({ ...session, cancelOn: 'close removal unload' });
    expect(elementIn(container) === element, 'the same element').to.equal(true);
    expect(element.cancelOn).to.equal('close removal unload');
  });

  it('calls each on… prop with the event the element dispatched', () => {
    const handlers = Object.fromEntries(Object.values(EVENT_PROP_NAMES).map((prop) => [prop, spy<[Event]>()]));
    const { container } = mount(handlers);
    const element = elementIn(container);
    for (const [eventName, propName] of Object.entries(EVENT_PROP_NAMES)) {
      const event = new Event(eventName, { bubbles: true, composed: true });
      element.dispatchEvent(event);
      const calls = handlers[propName]?.calls ?? [];
      expect(calls.length === 1 && calls[0]?.[0] === event, `${propName} got the ${eventName} event`).to.equal(true);
    }
  });

  it("delivers the element's own events, typed", async () => {
    const onBpsReady = spy<[BankPaySessionEventMap['bps-ready']]>();
    const onBpsStateChange = spy<[BankPaySessionEventMap['bps-state-change']]>();
    const session = newSession();
    mount({ ...session, onBpsReady, onBpsStateChange });
    await waitUntil(() => onBpsReady.calls.length > 0, 'bps-ready never reached the handler');
    const [ready] = onBpsReady.calls[0] ?? [];
    expect(ready instanceof BpsReadyEvent, 'a BpsReadyEvent').to.equal(true);
    expect(ready?.sessionId).to.equal(session.sessionId);
    const states = onBpsStateChange.calls.map(([event]) => event);
    expect(states.every((event) => event instanceof BpsStateChangeEvent)).to.equal(true);
    expect(states.map((event) => event.state)).to.include('active');
  });

  it('lets the handler veto a close request', async () => {
    const onBpsCloseRequest = spy<[BpsCloseRequestEvent]>();
    const session = newSession();
    const { container } = mount({
      ...session,
      onBpsCloseRequest: (event) => {
        event.preventDefault();
        onBpsCloseRequest(event);
      },
    });
    const element = elementIn<BankPaySessionElement>(container);
    await waitUntil(() => element.state === 'active', 'the session never became active');
    const closeButton = element.shadowRoot?.querySelector<HTMLButtonElement>('[part~="close-button"]');
    closeButton?.click();
    expect(onBpsCloseRequest.calls.length).to.equal(1);
    expect(element.state).to.equal('active');
  });

  it('types and runs the bare tag too (React 19 sets attributes and listens to on<event-name>)', async () => {
    const onReady = spy<[Event]>();
    const session = newSession();
    const container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    mounted.push({ container, render: () => undefined, unmount: () => root.unmount() });
    flushSync(() =>
      root.render(
        React.createElement('bank-pay-session', {
          src: session.src,
          'session-id': session.sessionId,
          'cancel-url': session.cancelUrl,
          'cancel-token': session.cancelToken,
          'onbps-ready': onReady,
        }),
      ),
    );
    const element = elementIn<BankPaySessionElement>(container);
    expect(element.getAttribute('session-id')).to.equal(session.sessionId);
    expect(element.sessionId).to.equal(session.sessionId);
    await waitUntil(() => onReady.calls.length > 0, 'bps-ready never reached the onbps-ready listener');
    expect(onReady.calls[0]?.[0] instanceof BpsReadyEvent, 'a BpsReadyEvent').to.equal(true);
  });

  it('gives the element to a ref', () => {
    const ref = React.createRef<BankPaySessionElement>();
    const { container } = mount({ ref });
    expect(ref.current === elementIn(container), 'ref.current is the element').to.equal(true);
  });

  it('cancels the session once when it is unmounted (SPA navigation)', async () => {
    const session = newSession();
    const { container, unmount } = mount(session);
    const element = elementIn<BankPaySessionElement>(container);
    await waitUntil(() => element.state === 'active', 'the session never became active');
    expect(await recordedCancels(session.sessionId)).to.have.length(0);

    unmount();
    mounted = mounted.filter((handle) => handle.container !== container);

    const cancels = await cancelsAfterAbandonment(session.sessionId);
    expect(cancels).to.have.length(1);
    expect(cancels[0]?.contentType).to.match(/^text\/plain/);
    expect(cancels[0]?.body).to.deep.equal({
      sessionId: session.sessionId,
      token: session.cancelToken,
      reason: 'spa-navigation',
    });
  });

  it('delivers the cancel and exit that its unmount causes to the handlers', async () => {
    const onBpsCancel = spy<[BankPaySessionEventMap['bps-cancel']]>();
    const onBpsExit = spy<[BankPaySessionEventMap['bps-exit']]>();
    const session = newSession();
    const { container, unmount } = mount({ ...session, onBpsCancel, onBpsExit });
    const element = elementIn<BankPaySessionElement>(container);
    await waitUntil(() => element.state === 'active', 'the session never became active');
    unmount();
    mounted = mounted.filter((handle) => handle.container !== container);
    await waitUntil(() => onBpsCancel.calls.length > 0 && onBpsExit.calls.length > 0, 'the handlers never heard of the cancel', { timeout: 5000 });
    expect(onBpsCancel.calls[0]?.[0].reason).to.equal('spa-navigation');
    expect(onBpsExit.calls.length).to.equal(1);
    expect(await cancelsAfterAbandonment(session.sessionId)).to.have.length(1);
  });

  it('does not cancel under StrictMode, whose development double mount keeps the element in the page', async () => {
    const session = newSession();
    const container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    mounted.push({ container, render: () => undefined, unmount: () => root.unmount() });
    flushSync(() => root.render(React.createElement(React.StrictMode, null, React.createElement(BankPaySession, session))));
    const element = elementIn<BankPaySessionElement>(container);
    await waitUntil(() => element.state === 'active', 'the session never became active');
    // The element decides on the task after a removal; give it that task and some more.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(element.isConnected && elementIn(container) === element, 'the same element, still in the page').to.equal(true);
    expect(element.state).to.equal('active');
    expect(await recordedCancels(session.sessionId)).to.have.length(0);
  });

  it('does not cancel when React moves it within the page (keyed reorder)', async () => {
    const session = newSession();
    const container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    const renderOrder = (order: Array<'payment' | 'summary'>) =>
      flushSync(() =>
        root.render(
          React.createElement(
            'div',
            null,
            order.map((key) =>
              key === 'payment'
                ? React.createElement(BankPaySession, { key, ...session })
                : React.createElement('p', { key }, 'Order summary'),
            ),
          ),
        ),
      );
    mounted.push({ container, render: () => undefined, unmount: () => root.unmount() });
    renderOrder(['payment', 'summary']);
    const element = elementIn<BankPaySessionElement>(container);
    await waitUntil(() => element.state === 'active', 'the session never became active');

    const removals: Node[] = [];
    const observer = new MutationObserver((records) => records.forEach((record) => removals.push(...record.removedNodes)));
    observer.observe(container, { childList: true, subtree: true });
    renderOrder(['summary', 'payment']);
    observer.takeRecords().forEach((record) => removals.push(...record.removedNodes));
    observer.disconnect();
    expect(removals.includes(element), 'React moved the element itself').to.equal(true);
    expect(elementIn(container) === element, 'the same element').to.equal(true);
    expect(container.firstElementChild?.lastElementChild === element, 'the element is last').to.equal(true);
    // The element decides on the task after a removal; give it that task and some more.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(element.state).to.equal('active');
    expect(await recordedCancels(session.sessionId)).to.have.length(0);
  });
});
