import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { BankPaySession } from '../../src/element/index.js';
import {
  collect,
  frameOf,
  hostedFlowUrl,
  mount,
  newSessionId,
  OTHER_ORIGIN,
  PAGE_ORIGIN,
  part,
  recorded,
  settle,
  nextEvent,
} from './support.js';

describe('embedding the hosted flow', () => {
  it('renders src in a titled frame, 600px high by default, adjustable by --bps-frame-height', async () => {
    const el = await mount();
    const frame = frameOf(el)!;
    expect(frame.getAttribute('part')).to.equal('frame');
    expect(frame.src).to.equal(hostedFlowUrl());
    expect(frame.title).to.equal('Bank payment');
    expect(frame.getBoundingClientRect().height).to.equal(600);
    el.style.setProperty('--bps-frame-height', '420px');
    expect(frame.getBoundingClientRect().height).to.equal(420);
  });

  it('does not sandbox the frame, so the bank sign-in can open its popup', async () => {
    const el = await mount();
    expect(frameOf(el)!.hasAttribute('sandbox')).to.equal(false);
  });

  it('reflects its state as an attribute, loading then active', async () => {
    const el = await mount({ active: false });
    expect(['loading', 'active']).to.include(el.getAttribute('state'));
    await waitUntil(() => el.state === 'active');
    expect(el.getAttribute('state')).to.equal('active');
  });

  it('announces the flow once it is showing', async () => {
    const el = document.createElement('bank-pay-session');
    const ready = nextEvent(el, 'bps-ready');
    el.setAttribute('session-id', newSessionId());
    el.src = hostedFlowUrl();
    document.body.append(el);
    try {
      const event = await ready;
      expect(event instanceof Event).to.equal(true);
      expect(event.bubbles && event.composed).to.equal(true);
      expect(event.sessionId).to.equal(el.sessionId);
    } finally {
      el.cancelOn = '';
      el.remove();
    }
  });

  for (const src of [hostedFlowUrl(OTHER_ORIGIN), hostedFlowUrl(PAGE_ORIGIN)]) {
    it(`accepts http on the local machine (${new URL(src).host})`, async () => {
      const el = await mount({ src });
      expect(el.state).to.equal('active');
    });
  }

  for (const src of ['http://pay.example/app/', 'javascript:alert(1)', 'data:text/html,<h1>pay</h1>', 'ftp://pay.example/']) {
    it(`refuses ${src.slice(0, 24)} with an error state and event, never a blank frame`, async () => {
      const el = document.createElement('bank-pay-session');
      const exit = nextEvent(el, 'bps-exit');
      el.src = src;
      el.sessionId = newSessionId();
      el.cancelUrl = '/__recorder/cancel';
      el.cancelToken = 'token';
      const parent = await fixture(html`<div></div>`);
      parent.append(el);
      expect((await exit).reason).to.equal('error');
      await el.updateComplete;
      expect(el.state).to.equal('error');
      expect(el.getAttribute('state')).to.equal('error');
      expect(frameOf(el) === null, 'the frame is gone').to.equal(true);
      expect(part(el, 'message')!.getAttribute('role')).to.equal('alert');
      expect(part(el, 'heading')!.textContent).to.equal('Payment page unavailable');
      el.remove();
      await settle();
      expect(await recorded(el.sessionId)).to.have.length(0);
    });
  }

  it('a new session id and src start a new session in a fresh frame', async () => {
    const el = await mount();
    const oldFrame = frameOf(el);
    await el.cancel();
    expect(el.state).to.equal('cancelled');
    const states = collect(el, 'bps-state-change');
    el.sessionId = newSessionId();
    el.src = hostedFlowUrl(OTHER_ORIGIN) + '#second';
    await el.updateComplete;
    expect(states.map((e) => e.state)).to.deep.equal(['loading']);
    expect(frameOf(el) !== oldFrame, 'a new frame').to.equal(true);
    await waitUntil(() => el.state === 'active');
    // The new session can be cancelled in its turn.
    expect((await el.cancel()).outcome).to.equal('cancelled');
  });

  it('a live session replaced by a new one gets a new frame, not a navigation of the old one', async () => {
    const el = await mount();
    const oldFrame = frameOf(el);
    el.sessionId = newSessionId();
    el.src = hostedFlowUrl(OTHER_ORIGIN) + '#next';
    await el.updateComplete;
    expect(frameOf(el) !== oldFrame, 'a new frame').to.equal(true);
  });

  it('can be registered under another name', async () => {
    class OtherName extends BankPaySession {}
    customElements.define('other-bank-pay', OtherName);
    const el = await fixture<BankPaySession>(html`<other-bank-pay src=${hostedFlowUrl()}></other-bank-pay>`);
    await waitUntil(() => el.state === 'active');
    expect(frameOf(el) !== null, 'a frame').to.equal(true);
  });
});
