import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { bearer, createSession, expectProblem, inspect, postJson, start } from './support.js';

describe('GET /app/?sessionId=… (the hosted flow over HTTP)', () => {
  const origins = ['http://localhost:5173', 'https://shop.example'];
  let sandbox: RunningSandbox;
  let base: string;
  before(async () => {
    sandbox = await start({ allowedOrigins: origins });
    base = sandbox.url;
  });
  after(() => sandbox.close());

  function directives(csp: string | null): Map<string, string> {
    return new Map((csp ?? '').split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name!, values.join(' ')]));
  }

  test('serves HTML with a CSP whose frame-ancestors are exactly the allowed origins', async () => {
    const { sessionId } = await createSession(base);
    const response = await fetch(`${base}/app/?sessionId=${sessionId}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    const csp = directives(response.headers.get('content-security-policy'));
    assert.equal(csp.get('frame-ancestors'), origins.join(' '));
    assert.equal(csp.get('default-src'), "'none'");
    assert.equal(response.headers.get('x-frame-options'), null, 'X-Frame-Options would override the allow list in old browsers');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const nonce = /'nonce-([^']+)'/.exec(csp.get('script-src') ?? '')?.[1];
    assert.ok(nonce);
    const html = await response.text();
    assert.ok(html.includes(`<script nonce="${nonce}">`), 'the inline script carries this response\'s nonce');
    assert.ok(!/<script(?![^>]*(nonce=|type="application\/json"))/.test(html), 'no script runs without the nonce');
  });

  test('each response gets a fresh nonce', async () => {
    const { sessionId } = await createSession(base);
    const a = (await fetch(`${base}/app/?sessionId=${sessionId}`)).headers.get('content-security-policy');
    const b = (await fetch(`${base}/app/?sessionId=${sessionId}`)).headers.get('content-security-policy');
    assert.notEqual(a, b);
  });

  test('the page names every allowed origin as a postMessage target, never "*"', async () => {
    const { sessionId } = await createSession(base);
    const html = await (await fetch(`${base}/app/?sessionId=${sessionId}`)).text();
    const config = JSON.parse(/<script type="application\/json" id="bps-config">(.*?)<\/script>/s.exec(html)![1]!) as { origins: string[]; sessionId: string; pollIntervalMs: number };
    assert.deepEqual(config.origins, origins);
    // Polling every second is what lets a cancel or expiry show within 2 s.
    assert.ok(config.pollIntervalMs <= 1000);
    assert.equal(config.sessionId, sessionId);
    assert.ok(!html.includes("'*'") && !html.includes('"*"'));
  });

  test('the page is accessible by construction: lang, one h1, labelled inputs and views', async () => {
    const { sessionId } = await createSession(base);
    const html = await (await fetch(`${base}/app/?sessionId=${sessionId}`)).text();
    assert.match(html, /<html lang="en-CA">/);
    assert.equal(html.match(/<h1[ >]/g)?.length, 1);
    for (const name of ['bank', 'signin', 'account', 'review', 'done', 'confirm-close', 'closed', 'timed-out', 'failed']) {
      assert.match(html, new RegExp(`<section data-view="${name}" aria-labelledby="bps-h-${name}"`));
    }
    const inputs = html.match(/<input[^>]*>/g) ?? [];
    const labelled = html.match(/<label class="(field|choice)">[^<]*<input/g) ?? [];
    assert.ok(inputs.length > 0);
    assert.equal(labelled.length, inputs.length, 'every input sits inside its label');
    assert.match(html, /role="status"/);
  });

  test('French from ?lang=fr or from the session language; ?lang wins', async () => {
    const english = await createSession(base);
    const french = await createSession(base, 'EFT', { options: { notificationPreferences: { language: 'FR' } } });
    assert.match(await (await fetch(`${base}/app/?sessionId=${english.sessionId}&lang=fr`)).text(), /<html lang="fr-CA">[\s\S]*Choisissez votre banque/);
    assert.match(await (await fetch(`${base}/app/?sessionId=${french.sessionId}`)).text(), /<html lang="fr-CA">/);
    assert.match(await (await fetch(`${base}/app/?sessionId=${french.sessionId}&lang=en`)).text(), /<html lang="en-CA">[\s\S]*Choose your bank/);
  });

  test('French typography: a no-break space before each colon, amounts as fr-CA writes them', async () => {
    const { sessionId } = await createSession(base, 'EFT', { amount: 1234.5 });
    const html = await (await fetch(`${base}/app/?sessionId=${sessionId}&lang=fr`)).text();
    const text = html.replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/g, '').replace(/<[^>]+>/g, '');
    assert.ok(text.includes('Montant du paiement\u00a0: 1\u00a0234,50\u00a0$'), 'the amount line');
    assert.deepEqual(text.match(/[^\u00a0\s]:\s|\s:\s/g)?.filter((match) => !match.startsWith('\u00a0')) ?? [], [], 'no colon without its no-break space');
  });

  test('an ended session opens in its ended state', async () => {
    const cancelled = await createSession(base);
    await fetch(`${base}/api/v2/sessions/${cancelled.sessionId}/cancel`, { method: 'POST', headers: bearer(cancelled.token) });
    assert.match(await (await fetch(`${base}/app/?sessionId=${cancelled.sessionId}`)).text(), /<body data-state="timed-out">/);
    const completed = await createSession(base);
    await postJson(`${base}/sandbox/sessions/${completed.sessionId}/force`, { status: 'Completed' });
    assert.match(await (await fetch(`${base}/app/?sessionId=${completed.sessionId}`)).text(), /<body data-state="done">/);
  });

  test('an unknown, missing or malformed session id gets the not-found page (404), still framed only by allowed origins', async () => {
    for (const query of [`?sessionId=${crypto.randomUUID()}`, '', '?sessionId=<script>alert(1)</script>']) {
      const response = await fetch(`${base}/app/${query}`);
      assert.equal(response.status, 404);
      assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors http:\/\/localhost:5173 https:\/\/shop\.example/);
      const html = await response.text();
      assert.match(html, /Session not found/);
      assert.ok(!html.includes('<script>alert'));
    }
  });

  test('/app redirects to /app/ keeping the query', async () => {
    const response = await fetch(`${base}/app?sessionId=abc`, { redirect: 'manual' });
    assert.equal(response.status, 301);
    assert.equal(response.headers.get('location'), '/app/?sessionId=abc');
  });

  test('the state endpoint answers only {status}', async () => {
    const { sessionId } = await createSession(base, 'GEFT');
    assert.deepEqual(await (await fetch(`${base}/app/api/sessions/${sessionId}/state`)).json(), { status: 'Initiated' });
    await postJson(`${base}/sandbox/sessions/${sessionId}/force`, { status: 'Cancelled' });
    assert.deepEqual(await (await fetch(`${base}/app/api/sessions/${sessionId}/state`)).json(), { status: 'Canceled' });
    await expectProblem(await fetch(`${base}/app/api/sessions/${crypto.randomUUID()}/state`), 404);
  });

  test('steps reported by the page show in details and history; completing sets Completed / EFT0301 once', async () => {
    const { token, sessionId } = await createSession(base);
    assert.equal((await postJson(`${base}/app/api/sessions/${sessionId}/step`, { step: 'INSTITUTION_SELECTED' })).status, 204);
    const details = (await (await fetch(`${base}/api/v2/sessions/${sessionId}/details`, { headers: bearer(token) })).json()) as Record<string, unknown>;
    assert.equal(details.step, 'INSTITUTION_SELECTED');
    const completed = await fetch(`${base}/app/api/sessions/${sessionId}/complete`, { method: 'POST' });
    assert.deepEqual(await completed.json(), { status: 'Completed' });
    const status = (await (await fetch(`${base}/api/v2/sessions/${sessionId}/status`, { headers: bearer(token) })).json()) as Record<string, unknown>;
    assert.equal(status.statusDetails, 'EFT0301');
    const again = await expectProblem(await fetch(`${base}/app/api/sessions/${sessionId}/complete`, { method: 'POST' }), 409);
    assert.equal(again.sessionStatus, 'Completed');
    const { history } = await inspect(base, sessionId);
    assert.deepEqual(history.filter((h) => h.type.startsWith('hosted')).map((h) => h.outcome), ['INSTITUTION_SELECTED', 'Completed/EFT0301', 'already-terminal']);
  });

  test('a cancelled session cannot be completed from the page', async () => {
    const { token, sessionId } = await createSession(base);
    await fetch(`${base}/api/v2/sessions/${sessionId}/cancel`, { method: 'POST', headers: bearer(token) });
    const problem = await expectProblem(await fetch(`${base}/app/api/sessions/${sessionId}/complete`, { method: 'POST' }), 409);
    assert.equal(problem.sessionStatus, 'Cancelled');
  });
});
