/**
 * The hosted page's inline script, plain browser JavaScript kept as text (the page runs it
 * under a CSP nonce). It moves between the page's views, posts `{step}` events to the
 * framing page (or the opener, in popup mode) with each allowed origin as an exact
 * targetOrigin, reports steps to the sandbox, and polls the session's state about every
 * second so a cancel or expiry switches the page to its timed-out view without a reload.
 */

export const HOSTED_POLL_INTERVAL_MS = 1000;

export const HOSTED_SCRIPT = String.raw`
(() => {
  'use strict';
  const config = JSON.parse(document.getElementById('bps-config').textContent);
  const api = './api/sessions/' + encodeURIComponent(config.sessionId);
  const target = window.parent !== window ? window.parent : window.opener;
  const views = Array.from(document.querySelectorAll('[data-view]'));
  const closeButton = document.getElementById('bps-close');
  const statusLine = document.getElementById('bps-status');
  const ENDED_VIEWS = ['done', 'closed', 'timed-out', 'failed', 'not-found'];
  let current = config.initialView;
  let beforeConfirm = null;
  let choice = { bank: '', account: '' };

  function post(step, detail) {
    if (!target) return;
    const message = Object.assign({ step: step }, detail || {});
    // One post per allowed origin; the browser delivers only the one matching the parent.
    for (const origin of config.origins) {
      try { target.postMessage(message, origin); } catch (error) { /* the parent is gone */ }
    }
  }

  function report(step) {
    fetch(api + '/step', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ step: step }) })
      .catch(() => undefined);
  }

  function show(name, announce) {
    current = name;
    for (const view of views) view.hidden = view.dataset.view !== name;
    const ended = ENDED_VIEWS.includes(name);
    closeButton.hidden = ended;
    document.body.dataset.state = name;
    const heading = document.querySelector('[data-view="' + name + '"] h2');
    if (heading && announce !== false) heading.focus();
  }

  function isEnded() { return ENDED_VIEWS.includes(current); }

  function endFor(status) {
    const s = String(status || '').toLowerCase();
    if (s === 'cancelled' || s === 'canceled' || s === 'expired') return 'timed-out';
    if (s === 'failed') return 'failed';
    if (s === 'completed') return 'done';
    return null;
  }

  function onStatus(status) {
    const view = endFor(status);
    if (view && !isEnded()) show(view);
  }

  async function poll() {
    if (isEnded()) return;
    try {
      const response = await fetch(api + '/state', { cache: 'no-store' });
      if (response.status === 404) { show('timed-out'); return; }
      if (!response.ok) return;
      const body = await response.json();
      onStatus(body.status);
    } catch (error) { /* offline for a moment: try again on the next tick */ }
  }

  function step(name, next, detail) {
    post(name, detail);
    report(name);
    if (next) show(next);
  }

  function formOf(view) { return document.querySelector('[data-view="' + view + '"] form'); }

  function radioValue(form, name) {
    const checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : '';
  }

  formOf('bank').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    if (!form.reportValidity()) return;
    choice.bank = radioValue(form, 'bank');
    const label = form.querySelector('input[name="bank"]:checked + span');
    document.getElementById('bps-review-bank').textContent = label ? label.textContent : choice.bank;
    step('INSTITUTION_SELECTED', 'signin', { institution: choice.bank });
  });

  formOf('signin').addEventListener('submit', (event) => {
    event.preventDefault();
    if (!event.currentTarget.reportValidity()) return;
    event.currentTarget.reset();
    step('SUBMIT_CREDENTIAL', 'account');
  });

  formOf('account').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    if (!form.reportValidity()) return;
    choice.account = radioValue(form, 'account');
    const label = form.querySelector('input[name="account"]:checked + span');
    document.getElementById('bps-review-account').textContent = label ? label.textContent : choice.account;
    step('ACCOUNT_SELECTED', 'review');
    if (config.guarantee) step('GUARANTEE_OFFERED');
  });

  formOf('review').addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = event.currentTarget.querySelector('button[type="submit"]');
    button.disabled = true;
    statusLine.textContent = config.working;
    try {
      const response = await fetch(api + '/complete', { method: 'POST' });
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        show('done');
        post('SUCCESS');
      } else {
        onStatus(body.sessionStatus);
        if (!isEnded()) show('timed-out');
      }
    } catch (error) {
      button.disabled = false;
    } finally {
      statusLine.textContent = '';
    }
  });

  for (const button of document.querySelectorAll('[data-back]')) {
    button.addEventListener('click', () => show(button.dataset.back));
  }

  closeButton.addEventListener('click', () => {
    if (isEnded() || current === 'confirm-close') return;
    beforeConfirm = current;
    post('CLOSE_ATTEMPT');
    show('confirm-close');
    post('CANCEL_CONFIRMATION');
  });

  document.getElementById('bps-leave').addEventListener('click', () => {
    show('closed');
    post('CLOSE');
  });

  document.getElementById('bps-stay').addEventListener('click', () => {
    show(beforeConfirm || 'bank');
    post('BACK');
  });

  show(current, false);
  if (!isEnded()) {
    post('APP_MOUNTED');
    report('APP_MOUNTED');
  }
  setInterval(poll, config.pollIntervalMs);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') poll(); });
})();
`;
