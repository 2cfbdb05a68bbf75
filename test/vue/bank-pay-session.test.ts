/**
 * The Vue component, mounted by the real Vue runtime in Chromium: props reach the element as
 * properties, every event is re-emitted to its listener, the exposed element and cancel() work,
 * and unmounting is an SPA abandonment that sends exactly one cancel (checked on the server).
 */
import './support/bundler-globals.js';
import { expect, waitUntil } from '@open-wc/testing';
import { createApp, h, nextTick, reactive, ref, toHandlerKey, camelize, type App } from 'vue';
import {
  BankPaySession as BankPaySessionElement,
  BpsCancelEvent,
  BpsReadyEvent,
} from '../../src/element/index.js';
import { BankPaySession, BankPaySessionPlugin, EVENT_NAMES, type BankPaySessionInstance } from '../../src/vue/index.js';
import { cancelsAfterAbandonment, elementIn, newSession, recordedCancels, spy } from '../react/support/session.js';

interface Mounted {
  app: App;
  container: HTMLElement;
}
let mounted: Mounted[] = [];

function mount(render: () => ReturnType<typeof h>, configure?: (app: App) => void): Mounted {
  const container = document.createElement('div');
  document.body.append(container);
  const app = createApp({ render });
  configure?.(app);
  app.mount(container);
  const handle = { app, container };
  mounted.push(handle);
  return handle;
}

function unmount(handle: Mounted): void {
  handle.app.unmount();
  handle.container.remove();
  mounted = mounted.filter((other) => other !== handle);
}

afterEach(() => {
  for (const handle of mounted) {
    // Settled sessions first, so tidying up sends nothing to the recorder.
    handle.container.querySelector('bank-pay-session')?.setAttribute('cancel-on', '');
    unmount(handle);
  }
});

// Elements and events are compared as booleans: a failing chai assertion on a framework-managed
// element makes web-test-runner serialise its whole object graph, which hangs the page.
describe('Vue <BankPaySession>', () => {
  it('registers the element and renders it', () => {
    const { container } = mount(() => h(BankPaySession));
    expect(customElements.get('bank-pay-session')).to.equal(BankPaySessionElement);
    expect(elementIn(container) instanceof BankPaySessionElement, 'an upgraded element').to.equal(true);
  });

  it("sets its props as the element's properties and passes other attributes through", () => {
    const session = newSession();
    const { container } = mount(() =>
      h(BankPaySession, {
        ...session,
        statusUrl: `/__recorder/status/${session.sessionId}`,
        expiresAt: 4102444800000,
        cancelOn: 'close removal',
        hiddenDelay: 1234,
        lang: 'fr',
        class: 'checkout-frame',
        id: 'pay',
      }),
    );
    const element = elementIn<BankPaySessionElement>(container);
    expect(element.src).to.equal(session.src);
    expect(element.sessionId).to.equal(session.sessionId);
    expect(element.cancelUrl).to.equal(session.cancelUrl);
    expect(element.cancelToken).to.equal(session.cancelToken);
    expect(element.statusUrl).to.equal(`/__recorder/status/${session.sessionId}`);
    expect(element.expiresAt).to.equal(4102444800000);
    expect(element.cancelOn).to.equal('close removal');
    expect(element.hiddenDelay).to.equal(1234);
    expect(element.lang).to.equal('fr');
    expect(element.className).to.equal('checkout-frame');
    expect(element.id).to.equal('pay');
  });

  it('writes each prop as the attribute the element reads too (kebab-case), and keeps it in step', async () => {
    const props = reactive<Record<string, unknown>>({ ...newSession(), expiresAt: 4102444800000, hiddenDelay: 1234, lang: 'fr' });
    const { container } = mount(() => h(BankPaySession, props));
    const element = elementIn<BankPaySessionElement>(container);
    const attributes = () => Object.fromEntries([...element.attributes].map((attribute) => [attribute.name, attribute.value]));
    expect(attributes()).to.include({
      src: props.src,
      'session-id': props.sessionId,
      'cancel-url': props.cancelUrl,
      'cancel-token': props.cancelToken,
      'expires-at': '4102444800000',
      'hidden-delay': '1234',
      lang: 'fr',
    });
    expect(element.expiresAt, 'the property keeps the type it was given').to.equal(4102444800000);
    expect(Object.keys(attributes()).filter((name) => /^(sessionid|canceltoken|cancelurl|expiresat|hiddendelay)$/.test(name))).to.deep.equal([]);

    const next = newSession();
    Object.assign(props, { ...next, expiresAt: undefined, lang: 'en' });
    await nextTick();
    expect(attributes()).to.include({ src: next.src, 'session-id': next.sessionId, 'cancel-token': next.cancelToken, lang: 'en' });
    expect(element.src).to.equal(next.src);
    expect('expires-at' in attributes(), 'the attribute of a prop no longer given is gone').to.equal(false);
  });

  it('leaves the frame to the element when mounted in the browser only', async () => {
    const { container } = mount(() => h(BankPaySession, newSession()));
    const element = elementIn<BankPaySessionElement>(container);
    await element.updateComplete;
    expect(element.querySelector('iframe') === null, 'no frame written into the tag').to.equal(true);
    expect(element.shadowRoot?.querySelector('iframe[part~="frame"]') != null, "the element's own frame").to.equal(true);
  });

  it("leaves the element's defaults alone for props that are not set", () => {
    const { container } = mount(() => h(BankPaySession));
    const element = elementIn<BankPaySessionElement>(container);
    expect(element.cancelOn).to.equal(new BankPaySessionElement().cancelOn);
  });

  it('updates the same element when a prop changes', async () => {
    const props = reactive({ ...newSession(), cancelOn: 'close' });
    const { container } = mount(() => h(BankPaySession, props));
    const element = elementIn<BankPaySessionElement>(container);
    props.cancelOn = 'close removal unload';
    await nextTick();
    expect(elementIn(container) === element, 'the same element').to.equal(true);
    expect(element.cancelOn).to.equal('close removal unload');
  });

  it('re-emits every event of the element to its listener', () => {
    const listeners = Object.fromEntries(EVENT_NAMES.map((name) => [toHandlerKey(camelize(name)), spy<[Event]>()]));
    const { container } = mount(() => h(BankPaySession, listeners));
    const element = elementIn(container);
    for (const name of EVENT_NAMES) {
      const event = new Event(name, { bubbles: true, composed: true });
      element.dispatchEvent(event);
      const calls = listeners[toHandlerKey(camelize(name))]?.calls ?? [];
      expect(calls.length === 1 && calls[0]?.[0] === event, `the ${name} listener got the event`).to.equal(true);
    }
  });

  it("delivers the element's own events", async () => {
    const onBpsReady = spy<[BpsReadyEvent]>();
    const session = newSession();
    mount(() => h(BankPaySession, { ...session, onBpsReady }));
    await waitUntil(() => onBpsReady.calls.length > 0, 'bps-ready never reached the listener');
    const [ready] = onBpsReady.calls[0] ?? [];
    expect(ready instanceof BpsReadyEvent, 'a BpsReadyEvent').to.equal(true);
    expect(ready?.sessionId).to.equal(session.sessionId);
  });

  it('exposes the element and its cancel()', async () => {
    const component = ref<BankPaySessionInstance>();
    const onBpsCancel = spy<[BpsCancelEvent]>();
    const session = newSession();
    const { container } = mount(() => h(BankPaySession, { ...session, onBpsCancel, ref: component }));
    const element = elementIn<BankPaySessionElement>(container);
    expect(component.value?.element === element, 'the exposed element').to.equal(true);
    await waitUntil(() => element.state === 'active', 'the session never became active');

    const result = await component.value?.cancel();
    expect(result?.outcome).to.equal('cancelled');
    expect(onBpsCancel.calls.length).to.equal(1);
    expect(await recordedCancels(session.sessionId)).to.have.length(1);
  });

  it('registers <BankPaySession> for templates through the plugin', () => {
    const { app } = mount(() => h('p'), (app) => app.use(BankPaySessionPlugin));
    expect(app.component('BankPaySession') === BankPaySession, 'registered globally').to.equal(true);
  });

  it('cancels the session once when it is unmounted (SPA navigation)', async () => {
    const session = newSession();
    const handle = mount(() => h(BankPaySession, session));
    const element = elementIn<BankPaySessionElement>(handle.container);
    await waitUntil(() => element.state === 'active', 'the session never became active');
    expect(await recordedCancels(session.sessionId)).to.have.length(0);

    unmount(handle);

    const cancels = await cancelsAfterAbandonment(session.sessionId);
    expect(cancels).to.have.length(1);
    expect(cancels[0]?.contentType).to.match(/^text\/plain/);
    expect(cancels[0]?.body).to.deep.equal({
      sessionId: session.sessionId,
      token: session.cancelToken,
      reason: 'spa-navigation',
    });
  });

  it('delivers the cancel and exit that its unmount causes to the listeners', async () => {
    const onBpsCancel = spy<[BpsCancelEvent]>();
    const onBpsExit = spy<[Event]>();
    const session = newSession();
    const handle = mount(() => h(BankPaySession, { ...session, onBpsCancel, onBpsExit }));
    const element = elementIn<BankPaySessionElement>(handle.container);
    await waitUntil(() => element.state === 'active', 'the session never became active');
    unmount(handle);
    await waitUntil(() => onBpsCancel.calls.length > 0 && onBpsExit.calls.length > 0, 'the listeners never heard of the cancel', { timeout: 5000 });
    expect(onBpsCancel.calls[0]?.[0].reason).to.equal('spa-navigation');
    expect(onBpsExit.calls.length).to.equal(1);
    expect(await cancelsAfterAbandonment(session.sessionId)).to.have.length(1);
  });

  it('does not cancel when Vue moves it within the page (keyed reorder)', async () => {
    const session = newSession();
    // Vue keeps the longest run in place and moves the rest: moving the payment after two
    // siblings makes the element itself the node Vue moves.
    const order = ref(['payment', 'summary', 'total']);
    const { container } = mount(() =>
      h(
        'div',
        order.value.map((key) => (key === 'payment' ? h(BankPaySession, { key, ...session }) : h('p', { key }, key))),
      ),
    );
    const element = elementIn<BankPaySessionElement>(container);
    await waitUntil(() => element.state === 'active', 'the session never became active');

    const removals: Node[] = [];
    const observer = new MutationObserver((records) => records.forEach((record) => removals.push(...record.removedNodes)));
    observer.observe(container, { childList: true, subtree: true });
    order.value = ['summary', 'total', 'payment'];
    await nextTick();
    observer.takeRecords().forEach((record) => removals.push(...record.removedNodes));
    observer.disconnect();
    expect(removals.includes(element), 'Vue moved the element itself').to.equal(true);
    expect(container.firstElementChild?.lastElementChild === element, 'the element is last').to.equal(true);
    // The element decides on the task after a removal; give it that task and some more.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(element.state).to.equal('active');
    expect(await recordedCancels(session.sessionId)).to.have.length(0);
  });
});
