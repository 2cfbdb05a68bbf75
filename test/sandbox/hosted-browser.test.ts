/**
 * The hosted flow in a real Chromium, framed by a merchant page on another loopback origin:
 * the postMessage events it sends, completion, the close confirmation, the switch to the
 * timed-out state after a cancel or an expiry, and CSP refusing a non-allowed framer.
 */

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { axeViolations } from '../support/axe.js';
import { bearer, createSession, eventually, inspect, start } from './support.js';

interface ChromiumSupport {
  chromiumPath(): string;
  CHROMIUM_ARGS: string[];
}
// The helper is plain JavaScript without type declarations; its shape is stated here.
const { chromiumPath, CHROMIUM_ARGS } = (await import(new URL('../support/chromium.mjs', import.meta.url).href)) as ChromiumSupport;

/** What the merchant page saw: messages from its own frame (or popup) only. */
interface Seen {
  readonly origin: string;
  readonly data: { step: string; [key: string]: unknown };
}

const MERCHANT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Merchant checkout</title></head>
<body>
<h1>Checkout</h1>
<button id="popup" type="button">Pay in a new window</button>
<script>
  const src = new URLSearchParams(location.search).get('src');
  window.messages = [];
  let popup = null;
  if (!new URLSearchParams(location.search).has('popup')) {
    const frame = document.createElement('iframe');
    frame.id = 'flow';
    frame.title = 'Bank payment';
    frame.width = '480';
    frame.height = '600';
    frame.src = src;
    document.body.append(frame);
  }
  document.getElementById('popup').addEventListener('click', () => { popup = window.open(src, 'pay', 'width=480,height=640'); });
  addEventListener('message', (event) => {
    const frame = document.getElementById('flow');
    if (event.source === (frame ? frame.contentWindow : popup)) window.messages.push({ origin: event.origin, data: event.data });
  });
</script>
</body></html>`;

async function startMerchant(): Promise<{ origin: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(MERCHANT_PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function stopServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

describe('the hosted flow in Chromium', () => {
  let merchant: { origin: string; server: Server };
  let stranger: { origin: string; server: Server };
  let sandbox: RunningSandbox;
  let browser: Browser;

  before(async () => {
    merchant = await startMerchant();
    stranger = await startMerchant();
    sandbox = await start({ allowedOrigins: [merchant.origin] });
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await sandbox?.close();
    await stopServer(merchant.server);
    await stopServer(stranger.server);
  });

  async function openFramed(sessionId: string, origin = merchant.origin, base = sandbox.url): Promise<{ page: Page; frame: () => Frame }> {
    const page = await browser.newPage();
    const src = `${base}/app/?sessionId=${sessionId}`;
    await page.goto(`${origin}/?src=${encodeURIComponent(src)}`);
    const frame = () => {
      const found = page.frames().find((candidate) => candidate !== page.mainFrame());
      assert.ok(found, 'the hosted flow frame exists');
      return found;
    };
    return { page, frame };
  }

  const messages = (page: Page) => page.evaluate(() => (window as unknown as { messages: Seen[] }).messages);
  const steps = async (page: Page) => (await messages(page)).map((message) => message.data.step);

  async function waitForStep(page: Page, step: string): Promise<void> {
    await page.waitForFunction((name) => (window as unknown as { messages: Seen[] }).messages.some((m) => m.data.step === name), step, { timeout: 5000 });
  }

  test('walks the steps, posts each event with the sandbox origin, and completes the session', async () => {
    const { token, sessionId } = await createSession(sandbox.url);
    const { page, frame } = await openFramed(sessionId);
    try {
      await waitForStep(page, 'APP_MOUNTED');
      const flow = frame();
      await flow.getByRole('button', { name: 'Continue' }).click();
      await flow.getByLabel('Username').fill('shopper');
      await flow.getByLabel('Password').fill('hunter2');
      await flow.getByRole('button', { name: 'Continue' }).click();
      await flow.getByRole('button', { name: 'Continue' }).click();
      await flow.getByRole('button', { name: 'Authorize payment' }).click();
      await waitForStep(page, 'SUCCESS');
      assert.deepEqual(await steps(page), ['APP_MOUNTED', 'INSTITUTION_SELECTED', 'SUBMIT_CREDENTIAL', 'ACCOUNT_SELECTED', 'SUCCESS']);
      for (const message of await messages(page)) assert.equal(message.origin, sandbox.url);
      assert.equal((await messages(page))[1]!.data.institution, 'sandbox-bank');
      assert.equal(await flow.locator('body').getAttribute('data-state'), 'done');
      const status = (await (await fetch(`${sandbox.url}/api/v2/sessions/${sessionId}/status`, { headers: bearer(token) })).json()) as Record<string, unknown>;
      assert.equal(status.status, 'Completed');
      assert.equal(status.statusDetails, 'EFT0301');
      const { history } = await inspect(sandbox.url, sessionId);
      assert.deepEqual(history.filter((h) => h.type === 'hosted-step').map((h) => h.outcome), ['APP_MOUNTED', 'INSTITUTION_SELECTED', 'SUBMIT_CREDENTIAL', 'ACCOUNT_SELECTED']);
    } finally {
      await page.close();
    }
  });

  test('GEFT posts GUARANTEE_OFFERED when the review shows the guarantee', async () => {
    const { sessionId } = await createSession(sandbox.url, 'GEFT');
    const { page, frame } = await openFramed(sessionId);
    try {
      await waitForStep(page, 'APP_MOUNTED');
      const flow = frame();
      await flow.getByRole('button', { name: 'Continue' }).click();
      await flow.getByLabel('Username').fill('u');
      await flow.getByLabel('Password').fill('p');
      await flow.getByRole('button', { name: 'Continue' }).click();
      await flow.getByRole('button', { name: 'Continue' }).click();
      await waitForStep(page, 'GUARANTEE_OFFERED');
      assert.ok(await flow.getByText('This payment is guaranteed.').isVisible());
    } finally {
      await page.close();
    }
  });

  test('close: CLOSE_ATTEMPT and a confirmation, BACK when the shopper stays, CLOSE when they leave', async () => {
    const { sessionId } = await createSession(sandbox.url);
    const { page, frame } = await openFramed(sessionId);
    try {
      await waitForStep(page, 'APP_MOUNTED');
      const flow = frame();
      await flow.getByRole('button', { name: 'Close and leave the payment' }).click();
      await waitForStep(page, 'CANCEL_CONFIRMATION');
      assert.equal(await flow.evaluate(() => document.activeElement?.textContent), 'Leave this payment?');
      await flow.getByRole('button', { name: 'Stay' }).click();
      await waitForStep(page, 'BACK');
      assert.equal(await flow.locator('body').getAttribute('data-state'), 'bank');
      await flow.getByRole('button', { name: 'Close and leave the payment' }).click();
      await flow.getByRole('button', { name: 'Leave', exact: true }).click();
      await waitForStep(page, 'CLOSE');
      assert.deepEqual(await steps(page), ['APP_MOUNTED', 'CLOSE_ATTEMPT', 'CANCEL_CONFIRMATION', 'BACK', 'CLOSE_ATTEMPT', 'CANCEL_CONFIRMATION', 'CLOSE']);
      // The page itself never cancels: that is the merchant's relay's job.
      assert.equal((await inspect(sandbox.url, sessionId)).session.status, 'Initiated');
    } finally {
      await page.close();
    }
  });

  test('a cancel while the page is open switches the frame to "session timed out" without a reload', async () => {
    const { token, sessionId } = await createSession(sandbox.url);
    const { page, frame } = await openFramed(sessionId);
    try {
      await waitForStep(page, 'APP_MOUNTED');
      const flow = frame();
      await flow.evaluate(() => ((window as unknown as { marker: string }).marker = 'same document'));
      const response = await fetch(`${sandbox.url}/api/v2/sessions/${sessionId}/cancel`, { method: 'POST', headers: bearer(token) });
      assert.equal(response.status, 200);
      // The page polls its state every second (pinned in hosted-page.test.ts), so the switch comes
      // within about 1 s; the wait is generous so that a loaded CI machine does not make it flaky.
      await flow.waitForSelector('body[data-state="timed-out"]', { timeout: 5000 });
      assert.ok(await flow.getByRole('heading', { name: 'Session timed out' }).isVisible());
      assert.equal(await flow.evaluate(() => (window as unknown as { marker?: string }).marker), 'same document');
      assert.ok(!(await flow.getByRole('button', { name: 'Close and leave the payment' }).isVisible()), 'no close control on an ended session');
      assert.ok(!(await steps(page)).includes('SUCCESS'));
    } finally {
      await page.close();
    }
  });

  test('an expiry while the page is open switches it too (real short timeout)', async () => {
    const short = await start({ allowedOrigins: [merchant.origin], sessionTimeoutMs: 1500, expiryCheckIntervalMs: 100 });
    try {
      const { sessionId } = await createSession(short.url);
      const { page, frame } = await openFramed(sessionId, merchant.origin, short.url);
      try {
        await waitForStep(page, 'APP_MOUNTED');
        await frame().waitForSelector('body[data-state="timed-out"]', { timeout: 5000 });
        assert.equal((await inspect(short.url, sessionId)).session.status, 'Expired');
      } finally {
        await page.close();
      }
    } finally {
      await short.close();
    }
  });

  test('French page when the session asks for it', async () => {
    const { sessionId } = await createSession(sandbox.url, 'EFT', { options: { notificationPreferences: { language: 'FR' } } });
    const { page, frame } = await openFramed(sessionId);
    try {
      await waitForStep(page, 'APP_MOUNTED');
      assert.ok(await frame().getByRole('heading', { name: 'Choisissez votre banque' }).isVisible());
      assert.equal(await frame().evaluate(() => document.documentElement.lang), 'fr-CA');
    } finally {
      await page.close();
    }
  });

  test('a page on a non-allowed origin cannot frame the flow (CSP frame-ancestors)', async () => {
    const { sessionId } = await createSession(sandbox.url);
    const page = await browser.newPage();
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/frame-ancestors/.test(message.text())) blocked.push(message.text());
    });
    try {
      const src = `${sandbox.url}/app/?sessionId=${sessionId}`;
      await page.goto(`${stranger.origin}/?src=${encodeURIComponent(src)}`);
      await eventually(() => (blocked.length > 0 ? true : undefined), 5000, 'the CSP violation report');
      assert.match(blocked[0]!, /frame-ancestors/);
      const child = page.frames().find((candidate) => candidate !== page.mainFrame());
      assert.ok(!child || !child.url().startsWith(sandbox.url) || (await child.evaluate(() => document.body?.dataset.state ?? null).catch(() => null)) === null);
      assert.deepEqual(await steps(page), []);
      assert.ok(!(await inspect(sandbox.url, sessionId)).history.some((h) => h.type === 'hosted-step'), 'the flow never ran');
    } finally {
      await page.close();
    }
  });

  test('popup mode: the flow posts to its opener', async () => {
    const { sessionId } = await createSession(sandbox.url);
    const page = await browser.newPage();
    try {
      const src = `${sandbox.url}/app/?sessionId=${sessionId}`;
      await page.goto(`${merchant.origin}/?popup&src=${encodeURIComponent(src)}`);
      const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#popup')]);
      await waitForStep(page, 'APP_MOUNTED');
      await popup.getByRole('button', { name: 'Close and leave the payment' }).click();
      await popup.getByRole('button', { name: 'Leave', exact: true }).click();
      await waitForStep(page, 'CLOSE');
      for (const message of await messages(page)) assert.equal(message.origin, sandbox.url);
    } finally {
      await page.close();
    }
  });

  test('axe finds no accessibility violations in the first step or the timed-out state', async () => {
    const { token, sessionId } = await createSession(sandbox.url);
    // Only to inject axe: this context ignores the page's CSP, which would refuse the script.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    try {
      const audit = () => axeViolations(page);
      await page.goto(`${sandbox.url}/app/?sessionId=${sessionId}`);
      assert.deepEqual(await audit(), []);
      await fetch(`${sandbox.url}/api/v2/sessions/${sessionId}/cancel`, { method: 'POST', headers: bearer(token) });
      await page.waitForSelector('body[data-state="timed-out"]', { timeout: 5000 });
      assert.deepEqual(await audit(), []);
    } finally {
      await context.close();
    }
  });
});
