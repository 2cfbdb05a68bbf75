import { expect, waitUntil } from '@open-wc/testing';
import {
  collect,
  frameOf,
  hostedFlowUrl,
  mount,
  OTHER_ORIGIN,
  PAGE_ORIGIN,
  pageReceives,
  postFromFlow,
  recorded,
  settle,
  nextEvent,
} from './support.js';

/** Lets the element's own message listener run before asserting what it did. */
const afterListeners = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('listening to the hosted flow', () => {
  it('turns an object step into a bps-step event with the provider\'s other fields', async () => {
    const el = await mount();
    const step = nextEvent(el, 'bps-step');
    postFromFlow(el, { step: 'INSTITUTION_SELECTED', institution: 'Demo Bank', requestId: 7 });
    const event = await step;
    expect(event.step).to.equal('INSTITUTION_SELECTED');
    expect(event.meaning).to.equal('progress');
    expect(event.data).to.deep.equal({ institution: 'Demo Bank', requestId: 7 });
    expect(event.sessionId).to.equal(el.sessionId);
    expect(event.bubbles && event.composed).to.equal(true);
    expect(el.state).to.equal('active');
  });

  it('accepts the string forms: a bare step name and stringified JSON', async () => {
    const el = await mount();
    const steps = collect(el, 'bps-step');
    postFromFlow(el, 'SUBMIT_CREDENTIAL');
    postFromFlow(el, JSON.stringify({ step: 'SUBMIT_MFA', attempt: 2 }));
    await pageReceives((e) => typeof e.data === 'string' && e.data.includes('SUBMIT_MFA'));
    await afterListeners();
    expect(steps.map((e) => [e.step, e.data])).to.deep.equal([
      ['SUBMIT_CREDENTIAL', {}],
      ['SUBMIT_MFA', { attempt: 2 }],
    ]);
  });

  it('APP_MOUNTED shows the flow even before the frame\'s load event', async () => {
    // Listened to on the document before the element exists: with three engines running at
    // once on a small machine, the frame could post APP_MOUNTED before mount() returned, and a
    // listener added afterwards waited for a ready that had already gone by (seen in WebKitGTK).
    const readies: Event[] = [];
    const onReady = (event: Event) => readies.push(event);
    document.addEventListener('bps-ready', onReady);
    try {
      const el = await mount({ src: hostedFlowUrl(OTHER_ORIGIN, { step: 'APP_MOUNTED' }), active: false });
      await waitUntil(() => readies.length > 0, 'bps-ready', { timeout: 4000 });
      expect(el.state).to.equal('active');
      await settle();
      expect(readies).to.have.length(1);
    } finally {
      document.removeEventListener('bps-ready', onReady);
    }
  });

  it('SUCCESS completes the session: one exit, the frame replaced, nothing sent', async () => {
    const el = await mount();
    const exits = collect(el, 'bps-exit');
    postFromFlow(el, { step: 'SUCCESS' });
    await nextEvent(el, 'bps-state-change');
    await el.updateComplete;
    expect(el.state).to.equal('completed');
    expect(exits.map((e) => e.reason)).to.deep.equal(['completed']);
    expect(frameOf(el) === null, 'the frame is gone').to.equal(true);
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('Payment authorized');
    await settle();
    expect(await recorded(el.sessionId)).to.have.length(0);
  });

  for (const step of ['GUARANTEE_FAILED', 'COMPONENT_OTHER_FUNDING_OPTIONS_SELECTED']) {
    it(`${step} ends the session as failed, without a cancel`, async () => {
      const el = await mount();
      const exit = nextEvent(el, 'bps-exit');
      postFromFlow(el, { step });
      expect((await exit).reason).to.equal('failed');
      expect(el.state).to.equal('failed');
      await settle();
      expect(await recorded(el.sessionId)).to.have.length(0);
    });
  }

  it('an unknown step is progress: it never ends or cancels the session', async () => {
    const el = await mount();
    const step = nextEvent(el, 'bps-step');
    postFromFlow(el, { step: 'SOMETHING_NEW' });
    expect((await step).meaning).to.equal('progress');
    expect(el.state).to.equal('active');
  });

  it('ignores a message from the page itself (another origin and another window)', async () => {
    const el = await mount();
    const steps = collect(el, 'bps-step', 'bps-exit');
    const seen = pageReceives((e) => (e.data as { step?: string })?.step === 'SUCCESS');
    window.postMessage({ step: 'SUCCESS' }, '*');
    await seen;
    await afterListeners();
    expect(steps.map((e) => e.type)).to.deep.equal([]);
    expect(el.state).to.equal('active');
  });

  it('ignores a message from another frame of the hosted flow\'s own origin', async () => {
    const el = await mount();
    const steps = collect(el, 'bps-step', 'bps-exit');
    const rogue = document.createElement('iframe');
    rogue.src = hostedFlowUrl(OTHER_ORIGIN, { step: 'CLOSE' });
    const seen = pageReceives((e) => e.source === rogue.contentWindow && e.origin === OTHER_ORIGIN);
    document.body.append(rogue);
    try {
      await seen;
      await afterListeners();
      expect(steps.map((e) => e.type)).to.deep.equal([]);
      expect(el.state).to.equal('active');
      await settle();
      expect(await recorded(el.sessionId)).to.have.length(0);
    } finally {
      rogue.remove();
    }
  });

  it('ignores the element\'s own frame once it navigated to another origin', async () => {
    const el = await mount();
    const steps = collect(el, 'bps-step', 'bps-exit');
    const frame = frameOf(el)!;
    const seen = pageReceives((e) => e.source === frame.contentWindow && e.origin === PAGE_ORIGIN);
    // The frame leaves the hosted flow's origin (an open redirect, say) and claims success.
    frame.contentWindow!.postMessage({ cmd: 'navigate', url: hostedFlowUrl(PAGE_ORIGIN, { step: 'SUCCESS' }) }, '*');
    await seen;
    await afterListeners();
    expect(steps.map((e) => e.type)).to.deep.equal([]);
    expect(el.state).to.equal('active');
  });

  it('ignores what is not a hosted-flow message', async () => {
    const el = await mount();
    const steps = collect(el, 'bps-step');
    for (const data of [42, null, ['SUCCESS'], { step: 'success' }, { type: 'SUCCESS' }, 'not a step', '{broken json']) {
      postFromFlow(el, data);
    }
    postFromFlow(el, 'BACK'); // a real step last, so its arrival shows the others were handled
    await nextEvent(el, 'bps-step');
    expect(steps.map((e) => e.step)).to.deep.equal(['BACK']);
    expect(el.state).to.equal('active');
  });
});
