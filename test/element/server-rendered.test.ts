import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { BankPaySession } from '../../src/element/index.js';
import {
  arrived,
  CANCEL_TOKEN,
  collect,
  frameOf,
  hostedFlowUrl,
  newSessionId,
  OTHER_ORIGIN,
  pageReceives,
  part,
  recorded,
  settle,
} from './support.js';

/**
 * A tag with the frame written inside it, as a server renders it for the fastest first paint.
 * Resolves once the written frame has loaded, so the hosted flow stand-in can be driven.
 */
async function mountWithFrame(src = hostedFlowUrl(), frameSrc = src): Promise<BankPaySession> {
  const holder = await fixture<HTMLDivElement>(html`<div></div>`);
  const template = document.createElement('template');
  template.innerHTML = `<bank-pay-session session-id="${newSessionId()}" cancel-url="/__recorder/cancel" cancel-token="${CANCEL_TOKEN}"
    ><iframe title="Bank payment"></iframe
  ></bank-pay-session>`;
  const el = document.importNode(template.content, true).firstElementChild as BankPaySession;
  el.setAttribute('src', src);
  const frame = el.querySelector('iframe')!;
  frame.src = frameSrc;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  holder.append(el);
  await el.updateComplete;
  if (frame.isConnected) await loaded;
  return el;
}

function writtenFrame(el: BankPaySession): HTMLIFrameElement | null {
  return el.querySelector('iframe');
}

describe('a frame written into the tag by the server', () => {
  it('is adopted as it is: shown in the element, sized by it, and no second frame is made', async () => {
    const el = await mountWithFrame();
    const frame = writtenFrame(el)!;
    expect(frameOf(el) === null, 'no frame of its own').to.equal(true);
    expect(el.shadowRoot!.querySelector('slot')!.assignedElements()).to.deep.equal([frame]);
    expect(frame.getBoundingClientRect().height).to.equal(600);
    el.style.setProperty('--bps-frame-height', '420px');
    expect(frame.getBoundingClientRect().height).to.equal(420);
    await waitUntil(() => el.state === 'active', 'the adopted frame to count as showing');
    await expect(el).to.be.accessible();
  });

  it('listens to the adopted frame, and only to it', async () => {
    const el = await mountWithFrame();
    await waitUntil(() => el.state === 'active');
    const steps = collect(el, 'bps-step');
    const heard = pageReceives((event) => event.source === writtenFrame(el)!.contentWindow);
    writtenFrame(el)!.contentWindow!.postMessage({ cmd: 'post', data: { step: 'INSTITUTION_SELECTED' } }, '*');
    await heard;
    await waitUntil(() => steps.length === 1, 'the step to be reported');
    expect(steps[0]!.step).to.equal('INSTITUTION_SELECTED');
  });

  it('cancels as any session does, and the timed-out state replaces the frame', async () => {
    const el = await mountWithFrame();
    await waitUntil(() => el.state === 'active');
    const heard = pageReceives((event) => event.source === writtenFrame(el)!.contentWindow);
    writtenFrame(el)!.contentWindow!.postMessage({ cmd: 'post', data: { step: 'CLOSE' } }, '*');
    await heard;
    const [request] = await arrived(el.sessionId);
    expect(request!.body).to.include({ sessionId: el.sessionId, reason: 'flow-close' });
    await waitUntil(() => el.state === 'cancelled');
    await el.updateComplete;
    expect(writtenFrame(el)!.getBoundingClientRect().height, 'the frame no longer shows').to.equal(0);
    expect(part(el, 'message')!.getAttribute('role')).to.equal('alert');
  });

  it('a frame for another src is removed, and the element makes its own', async () => {
    const el = await mountWithFrame(hostedFlowUrl(), hostedFlowUrl() + '#stale');
    expect(writtenFrame(el) === null, 'the stale frame is gone').to.equal(true);
    expect(frameOf(el)!.src).to.equal(hostedFlowUrl());
    await waitUntil(() => el.state === 'active');
  });

  it('the next session gets a fresh frame of its own, and the old one is removed', async () => {
    const el = await mountWithFrame();
    await waitUntil(() => el.state === 'active');
    await el.cancel();
    el.sessionId = newSessionId();
    el.src = hostedFlowUrl(OTHER_ORIGIN) + '#next';
    await el.updateComplete;
    expect(writtenFrame(el) === null, 'the old session frame is gone').to.equal(true);
    expect(frameOf(el)!.src).to.equal(hostedFlowUrl(OTHER_ORIGIN) + '#next');
    await waitUntil(() => el.state === 'active');
    await el.cancel();
  });

  // A whole page, so the frame really loads before the element's script runs.
  for (const define of ['at-parse', 'after-load']) {
    it(`keeps the frame's document and reports it ready once when the element is defined ${define}`, async () => {
      const page = await fixture<HTMLIFrameElement>(
        html`<iframe src=${`/test/element/fixtures/server-rendered.html?define=${define}`} style="width: 600px; height: 700px"></iframe>`,
      );
      type Seen = { events: string[]; frameDocumentLoads: number; defined?: boolean };
      const win = () => page.contentWindow as (Window & { seen?: Seen }) | null;
      await waitUntil(() => win()?.seen?.defined === true && win()!.document.readyState === 'complete', 'the page to load and define the element', {
        timeout: 8000,
      });
      const el = win()!.document.querySelector('bank-pay-session') as BankPaySession;
      await waitUntil(() => el.state === 'active', 'the element to report the flow showing', { timeout: 4000 });
      await settle();
      const seen = win()!.seen!;
      expect(seen.events.filter((type) => type === 'bps-ready')).to.have.length(1);
      expect(seen.frameDocumentLoads, 'the frame loaded once, never reloaded').to.equal(1);
      const frame = el.querySelector('iframe')!;
      expect((frame.contentWindow as Window & { survivor?: boolean }).survivor).to.equal(true);
      expect(el.shadowRoot!.querySelector('iframe') === null, 'no frame of its own').to.equal(true);
      expect(await recorded(el.sessionId)).to.have.length(0);
    });
  }
});
