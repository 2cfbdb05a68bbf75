/**
 * examples/nextjs as a merchant runs it: the packed package installed into the example,
 * `next build` and `next start`, the sandbox as the provider, and the page in Chromium. Its
 * checkout page is a Server Component that creates the session and renders
 * `bank-pay-session/react` itself; the relay is a route handler.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from '../../demo/free-port.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { startProcess, type RunningProcess } from '../examples/support.js';
import { runOrThrow } from '../package/processes.js';
import { CHROMIUM_ARGS, chromiumPath } from '../support/chromium.mjs';
import { installExample, packPackageByContent } from './support/example-app.js';
import { writtenTag } from './support/tag.js';

const NEXT_ENV = { NEXT_TELEMETRY_DISABLED: '1' };

let sandbox: RunningSandbox;
let next: RunningProcess;
let browser: Browser;
let origin: string;

interface CheckoutPage {
  page: Page;
  sessionId: string;
  /** Console errors and uncaught exceptions of the page, hydration errors among them. */
  errors: string[];
  /** Requests for the hosted flow's document of the first session. */
  frameLoads: () => number;
}

/** Opens the checkout and waits until React has hydrated it and the hosted flow shows. */
async function openCheckout(): Promise<CheckoutPage> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    const { url } = message.location();
    // The browser's own favicon request: the example has no icon.
    if (message.type() === 'error' && !url.endsWith('/favicon.ico')) errors.push(`${message.text()} (${url})`);
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  const flowRequests: string[] = [];
  page.on('request', (request) => request.resourceType() === 'document' && request.frame() !== page.mainFrame() && flowRequests.push(request.url()));
  const response = await page.goto(`${origin}/`);
  assert.equal(response?.status(), 200);
  // React's hydration marks the element's DOM node with its fiber.
  await page.waitForFunction(() => {
    const element = document.querySelector('bank-pay-session');
    return element?.getAttribute('state') === 'active' && Object.keys(element).some((key) => key.startsWith('__reactFiber$'));
  });
  const sessionId = (await page.getAttribute('bank-pay-session', 'session-id')) ?? '';
  return { page, sessionId, errors, frameLoads: () => flowRequests.filter((url) => url.includes(sessionId)).length };
}

async function sandboxStatus(sessionId: string): Promise<string> {
  const response = await fetch(`${sandbox.url}/sandbox/sessions/${sessionId}`);
  const record = (await response.json()) as { session: { status: string } };
  return record.session.status;
}

/** Polls the provider's truth: a beacon lands after the action that sent it has returned. */
async function waitForStatus(sessionId: string, status: string, timeoutMs = 8000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let seen = await sandboxStatus(sessionId);
  while (seen !== status && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    seen = await sandboxStatus(sessionId);
  }
  return seen;
}

describe('the Next.js example (App Router, next build && next start)', () => {
  before(async () => {
    const app = await installExample('nextjs', await packPackageByContent());
    const nextBin = join(app, 'node_modules/next/dist/bin/next');
    await runOrThrow(process.execPath, [nextBin, 'build'], { cwd: app, env: NEXT_ENV });
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    sandbox = await startSandbox({ port: 0, allowedOrigins: [origin] });
    next = await startProcess(process.execPath, [nextBin, 'start', '--port', String(port), '--hostname', '127.0.0.1'], {
      cwd: app,
      // Over the example's .env (the documented sandbox and origin): these ports, a key of its own.
      env: {
        ...NEXT_ENV,
        BPS_PROVIDER_URL: sandbox.url,
        BPS_CLIENT_ID: 'sandbox-client',
        BPS_CLIENT_SECRET: 'sandbox-secret',
        BPS_TOKEN_KEYS: randomBytes(32).toString('base64url'),
        BPS_ALLOWED_ORIGINS: origin,
      },
      ready: /Ready in/,
    });
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await next?.stop();
    await sandbox?.close();
  });

  test('the server HTML holds the whole tag, with the hosted flow frame inside it', async () => {
    const response = await fetch(`${origin}/`);
    assert.equal(response.status, 200, next.output());
    const html = await response.text();
    const tag = writtenTag(html);
    assert.ok(tag, `no tag with a frame inside in:\n${html.slice(0, 3000)}`);
    const { element, frame } = tag;
    assert.deepEqual(Object.keys(element).sort(), ['cancel-token', 'cancel-url', 'expires-at', 'lang', 'session-id', 'src', 'status-url']);
    assert.match(element['session-id']!, /^[0-9a-f-]{36}$/);
    assert.equal(element.src, `${sandbox.url}/app/?sessionId=${element['session-id']}`);
    assert.equal(element['cancel-url'], '/bank-pay/cancel');
    assert.match(element['cancel-token']!, /^v1\./);
    assert.deepEqual(frame, { src: element.src, title: 'Bank payment' });
    // The session is live at the provider, and nothing has cancelled it.
    assert.equal(await sandboxStatus(element['session-id']!), 'Initiated');
  });

  test('hydrates without an error; the element has its props and shows the frame the server wrote', async () => {
    const { page, sessionId, errors, frameLoads } = await openCheckout();
    try {
      const seen = await page.evaluate(() => {
        const element = document.querySelector('bank-pay-session')!;
        const frame = element.querySelector('iframe');
        return {
          properties: {
            src: element.src,
            sessionId: element.sessionId,
            cancelUrl: element.cancelUrl,
            cancelToken: element.cancelToken,
            statusUrl: element.statusUrl,
            lang: element.lang,
          },
          attributes: { src: element.getAttribute('src'), token: element.getAttribute('cancel-token') },
          frameSrc: frame?.src,
          slotted: element.shadowRoot!.querySelector('slot')?.assignedElements()[0] === frame,
          ownFrame: element.shadowRoot!.querySelector('iframe') !== null,
        };
      });
      assert.equal(seen.properties.sessionId, sessionId);
      assert.equal(seen.properties.src, seen.attributes.src);
      assert.equal(seen.properties.cancelUrl, '/bank-pay/cancel');
      assert.equal(seen.properties.cancelToken, seen.attributes.token);
      assert.equal(seen.properties.statusUrl, `/bank-pay/sessions/${sessionId}/status?token=${encodeURIComponent(seen.attributes.token ?? '')}`);
      assert.equal(seen.properties.lang, 'en');
      assert.equal(seen.frameSrc, seen.properties.src);
      assert.equal(seen.slotted, true, 'the written frame is the one shown');
      assert.equal(seen.ownFrame, false, 'no second frame');
      assert.equal(frameLoads(), 1, 'the hosted flow loaded once: neither hydration nor the element reloaded it');
      // Give a late hydration or effect error the time to surface.
      await page.waitForTimeout(300);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('leaving for another page of the app unmounts the element, and the session is Cancelled at the provider', async () => {
    const { page, sessionId, errors } = await openCheckout();
    try {
      await page.evaluate(() => Object.assign(window, { stillThisDocument: true }));
      await page.getByRole('link', { name: 'Back to cart' }).click();
      await page.waitForURL(`${origin}/cart`);
      assert.equal(await page.evaluate(() => 'stillThisDocument' in window), true, 'a client-side navigation, not a page load');
      assert.equal(await waitForStatus(sessionId, 'Cancelled'), 'Cancelled');
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('the close button cancels, and "Start again" renders a new session into the same element', async () => {
    const { page, sessionId, errors } = await openCheckout();
    try {
      await page.getByRole('button', { name: 'Cancel payment' }).click();
      assert.equal(await waitForStatus(sessionId, 'Cancelled'), 'Cancelled');
      await page.waitForFunction(() => document.querySelector('bank-pay-session')?.getAttribute('state') === 'cancelled');
      await page.evaluate(() => Object.assign(window, { sameElement: document.querySelector('bank-pay-session') }));

      // The example's handler asks the server to render the page again: a new session.
      await page.getByRole('button', { name: 'Start again' }).click();
      await page.waitForFunction(
        (old) => {
          const element = document.querySelector('bank-pay-session');
          return element?.sessionId !== old && element?.getAttribute('state') === 'active';
        },
        sessionId,
      );
      const after = await page.evaluate(() => {
        const element = document.querySelector('bank-pay-session')!;
        return {
          sameElement: element === (window as { sameElement?: Element }).sameElement,
          sessionId: element.sessionId,
          attribute: element.getAttribute('session-id'),
          oldFrameGone: element.querySelector('iframe') === null,
          ownFrameSrc: element.shadowRoot!.querySelector('iframe')?.src,
          src: element.src,
        };
      });
      assert.equal(after.sameElement, true);
      assert.equal(after.attribute, after.sessionId, 'the attribute follows the new session');
      assert.equal(after.oldFrameGone, true, "the old session's frame is removed");
      assert.equal(after.ownFrameSrc, after.src);
      assert.equal(await sandboxStatus(after.sessionId), 'Initiated');
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});
