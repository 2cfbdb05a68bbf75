import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { BankPaySession } from '../../src/element/index.js';
import { frameOf, mount, nextEvent, OTHER_ORIGIN, part, postFromFlow } from './support.js';

function texts(el: BankPaySession): string[] {
  return [...el.shadowRoot!.querySelectorAll('h2, p, button')].map((node) => node.textContent ?? '');
}

describe('languages', () => {
  it('speaks Canadian French with lang="fr"', async () => {
    const el = await mount({ lang: 'fr' });
    expect(frameOf(el)!.title).to.equal('Paiement bancaire');
    expect(part(el, 'close-button')!.textContent).to.equal('Annuler le paiement');
    await el.cancel();
    await el.updateComplete;
    expect(texts(el)).to.deep.equal(['Votre session de paiement est terminée', 'Aucun paiement n’a été effectué.', 'Recommencer']);
  });

  it('follows the closest lang attribute (fr-CA) when it has none of its own', async () => {
    const wrapper = await fixture(html`<div lang="fr-CA"></div>`);
    const el = await mount();
    wrapper.append(el);
    el.requestUpdate();
    await el.updateComplete;
    expect(part(el, 'close-button')!.textContent).to.equal('Annuler le paiement');
  });

  it('follows the document language', async () => {
    const before = document.documentElement.lang;
    document.documentElement.lang = 'fr-CA';
    try {
      const el = await mount();
      expect(frameOf(el)!.title).to.equal('Paiement bancaire');
    } finally {
      document.documentElement.lang = before;
    }
  });

  it('switches language when lang changes, by property or attribute', async () => {
    const el = await mount({ lang: 'en' });
    expect(part(el, 'close-button')!.textContent).to.equal('Cancel payment');
    el.lang = 'fr';
    await el.updateComplete;
    expect(el.getAttribute('lang')).to.equal('fr');
    expect(part(el, 'close-button')!.textContent).to.equal('Annuler le paiement');
    el.setAttribute('lang', 'en-CA');
    await el.updateComplete;
    expect(part(el, 'close-button')!.textContent).to.equal('Cancel payment');
  });

  it('shows French end states too', async () => {
    const el = await mount({ lang: 'fr' });
    postFromFlow(el, { step: 'SUCCESS' });
    await nextEvent(el, 'bps-exit');
    await el.updateComplete;
    expect(texts(el)).to.deep.equal(['Paiement autorisé']);
  });
});

describe('accessibility in every state', () => {
  it('loading', async () => {
    const el = await mount({ src: `${OTHER_ORIGIN}/__recorder/slow-page?delayMs=3000`, active: false });
    expect(el.state).to.equal('loading');
    await expect(el).to.be.accessible();
  });

  it('active', async () => {
    const el = await mount();
    await expect(el).to.be.accessible();
  });

  it('completed', async () => {
    const el = await mount();
    postFromFlow(el, { step: 'SUCCESS' });
    await nextEvent(el, 'bps-exit');
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('failed', async () => {
    const el = await mount();
    postFromFlow(el, { step: 'GUARANTEE_FAILED' });
    await nextEvent(el, 'bps-exit');
    await el.updateComplete;
    expect(el.state).to.equal('failed');
    expect(part(el, 'restart-button')!.textContent).to.equal('Start again');
    await expect(el).to.be.accessible();
  });

  it('cancelling', async () => {
    const el = await mount({ cancelUrl: '/__recorder/cancel?delayMs=1500' });
    void el.cancel();
    await el.updateComplete;
    expect(el.state).to.equal('cancelling');
    await expect(el).to.be.accessible();
  });

  it('cancelled', async () => {
    const el = await mount();
    await el.cancel();
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('expired', async () => {
    const el = await mount({ expiresAt: '2000-01-01T00:00:00Z', active: false });
    expect(el.state).to.equal('expired');
    await expect(el).to.be.accessible();
  });

  it('error', async () => {
    const el = await mount({ src: 'http://pay.example/app/', active: false });
    expect(el.state).to.equal('error');
    await expect(el).to.be.accessible();
  });

  it('in French', async () => {
    const el = await mount({ lang: 'fr' });
    await expect(el).to.be.accessible();
    await el.cancel();
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });
});

describe('keyboard', () => {
  it('closes with the keyboard, lands on the heading, and starts again with the keyboard', async () => {
    const el = await mount();
    const before = document.createElement('button');
    before.textContent = 'Before';
    el.before(before);
    try {
      before.focus();
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement === part(el, 'close-button'), 'Tab reaches the close button').to.equal(true);
      const cancelled = nextEvent(el, 'bps-cancel');
      await sendKeys({ press: 'Enter' });
      expect((await cancelled).reason).to.equal('close-button');
      await el.updateComplete;
      await waitUntil(() => el.shadowRoot!.activeElement === el.shadowRoot!.querySelector('h2'), 'focus on the heading');
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement === part(el, 'restart-button'), 'Tab reaches "start again"').to.equal(true);
      const restart = nextEvent(el, 'bps-restart');
      // The key itself rather than its code name: Puppeteer's WebDriver BiDi keyboard (Firefox)
      // knows no key called "Space", and every launcher understands ' '.
      await sendKeys({ press: ' ' });
      expect((await restart).sessionId).to.equal(el.sessionId);
    } finally {
      before.remove();
    }
  });
});
