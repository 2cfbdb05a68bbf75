/**
 * The React and Vue wrappers rendered on a server (Node: react-dom/server, @vue/server-renderer)
 * and hydrated in Chromium with the frameworks' development builds, which report every
 * hydration mismatch: the server HTML carries the element's attributes (kebab-case) and the
 * hosted flow's frame, hydration keeps that frame and leaves no stray attribute, the attributes
 * follow a new session, and the cancel that an unmount causes reaches the listeners.
 * React 18 is rendered on the server too (its development build warns about layout effects there).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import * as React from 'react';
import { renderToString as renderReact } from 'react-dom/server';
import { build, type Rollup } from 'vite';
import { createSSRApp, h } from 'vue';
import { renderToString as renderVue } from 'vue/server-renderer';
import { keepRegistration } from '../../vite.config.js';
import { createBankPaySessionComponent } from '../../src/react/create-component.js';
import { BankPaySession as VueBankPaySession } from '../../src/vue/index.js';
import { CHROMIUM_ARGS, chromiumPath } from '../support/chromium.mjs';
import type { HydrationPageWindow } from './fixtures/hydration-page.js';
import { installPinned } from './support/example-app.js';
import { writtenTag } from './support/tag.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const CLIENTS = { vue: 'test/frameworks/fixtures/vue-client.ts', react: 'test/frameworks/fixtures/react-client.ts' };

let server: Server;
let origin: string;
let browser: Browser;
const assets = new Map<string, string>();
const pages = new Map<string, string>();
const cancels: Array<{ sessionId?: string; reason?: string }> = [];

/** The client scripts, built as a merchant's bundler would in development (mismatches reported). */
async function buildClients(): Promise<void> {
  const output = (await build({
    configFile: false,
    root: repo,
    mode: 'development',
    logLevel: 'silent',
    plugins: [keepRegistration()],
    define: {
      'process.env.NODE_ENV': '"development"',
      __VUE_OPTIONS_API__: 'true',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'true',
    },
    build: {
      write: false,
      minify: false,
      modulePreload: false,
      target: 'es2022',
      rolldownOptions: { input: CLIENTS, output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' } },
    },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[];
  for (const chunk of (Array.isArray(output) ? output : [output]).flatMap((result) => result.output)) {
    if (chunk.type === 'chunk') assets.set(chunk.fileName, chunk.code);
  }
}

function serve(): Promise<void> {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://test.invalid');
    if (request.method === 'POST' && url.pathname === '/cancel') {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        cancels.push(JSON.parse(body) as { sessionId?: string; reason?: string });
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ outcome: 'cancelled' }));
      });
      return;
    }
    // The relay's heartbeats (beside its cancel endpoint): a relay that keeps no lease.
    if (request.method === 'POST' && url.pathname === '/signals') {
      request.resume().on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
      return;
    }
    const asset = assets.get(url.pathname.replace(/^\/assets\//, ''));
    const page = pages.get(url.pathname);
    if (url.pathname.startsWith('/assets/') && asset !== undefined) response.writeHead(200, { 'content-type': 'text/javascript' }).end(asset);
    else if (page !== undefined) response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    else if (url.pathname === '/flow.html') response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Hosted flow stand-in</title><p>flow</p>');
    else response.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve();
    }),
  );
}

/** A session's props: the hosted flow a page of this server, the expiry a number (its type must survive). */
function sessionProps(): Record<string, unknown> {
  const sessionId = randomUUID();
  return {
    src: `${origin}/flow.html?session=${sessionId}`,
    sessionId,
    cancelUrl: '/cancel',
    cancelToken: `token-${sessionId}`,
    expiresAt: Date.now() + 3_600_000,
    lang: 'en',
  };
}

/** What a server-side render printed to the console (a framework's development warnings). */
async function consoleOf<T>(render: () => Promise<T> | T): Promise<{ value: T; printed: string[] }> {
  const printed: string[] = [];
  const saved = { error: console.error, warn: console.warn };
  console.error = (...args: unknown[]) => printed.push(args.map(String).join(' '));
  console.warn = console.error;
  try {
    return { value: await render(), printed };
  } finally {
    Object.assign(console, saved);
  }
}

function assertServerHtml(html: string, props: Record<string, unknown>): void {
  const tag = writtenTag(html);
  assert.ok(tag, `no tag with a frame inside in: ${html}`);
  assert.deepEqual(tag.element, {
    src: props.src,
    'session-id': props.sessionId,
    'cancel-url': props.cancelUrl,
    'cancel-token': props.cancelToken,
    'expires-at': String(props.expiresAt),
    lang: 'en',
  });
  assert.deepEqual(tag.frame, { src: props.src, title: 'Bank payment' });
}

/** Loads the server-rendered page, lets the client hydrate it, and checks what the issue asks. */
async function hydrateInChromium(name: keyof typeof CLIENTS, serverHtml: string, props: Record<string, unknown>): Promise<void> {
  pages.set(
    `/${name}`,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${name} SSR</title></head><body>
<div id="app">${serverHtml}</div>
<script>
  window.props = ${JSON.stringify(props)};
  const frame = document.querySelector('bank-pay-session > iframe');
  window.seen = { frame, frameLoads: 0, events: [] };
  frame && frame.addEventListener('load', () => window.seen.frameLoads++);
</script>
<script type="module" src="/assets/${name}.js"></script>
</body></html>`,
  );
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('console', (message) => {
    const text = message.text();
    if (message.location().url.endsWith('/favicon.ico') || text.startsWith('Lit is in dev mode')) return;
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${text} (${message.location().url})`);
  });
  type PageWindow = Window & HydrationPageWindow;
  try {
    await page.goto(`${origin}/${name}`);
    await page.waitForFunction(() => {
      const element = document.querySelector('bank-pay-session');
      return (window as unknown as PageWindow).hydrated === true && element?.state === 'active';
    });
    const hydrated = await page.evaluate(() => {
      const { seen } = window as unknown as PageWindow;
      const element = document.querySelector('bank-pay-session')!;
      return {
        attributes: [...element.attributes].map((attribute) => attribute.name).sort(),
        sameFrame: seen.frame !== null && element.querySelector('iframe') === seen.frame,
        ownFrame: element.shadowRoot!.querySelector('iframe') !== null,
        frameLoads: seen.frameLoads,
        sessionId: element.sessionId,
        expiresAt: element.expiresAt,
      };
    });
    assert.deepEqual(hydrated.attributes, ['cancel-token', 'cancel-url', 'expires-at', 'lang', 'session-id', 'src', 'state'], 'nothing but the attributes the element reads (and its own state)');
    assert.equal(hydrated.sameFrame, true, 'hydration kept the frame the server wrote');
    assert.equal(hydrated.ownFrame, false, 'and the element made none of its own');
    assert.equal(hydrated.frameLoads, 1, 'the frame loaded once');
    assert.equal(hydrated.sessionId, props.sessionId);
    assert.equal(hydrated.expiresAt, props.expiresAt, 'the property has the type the prop had');

    const next = sessionProps();
    await page.evaluate((props) => (window as unknown as PageWindow).update(props), next);
    await page.waitForFunction((id) => document.querySelector('bank-pay-session')?.sessionId === id, next.sessionId);
    const updated = await page.evaluate(() => {
      const element = document.querySelector('bank-pay-session')!;
      return {
        attributes: Object.fromEntries([...element.attributes].map((attribute) => [attribute.name, attribute.value])),
        writtenFrame: element.querySelector('iframe') !== null,
        ownFrameSrc: element.shadowRoot!.querySelector('iframe')?.src,
      };
    });
    assert.equal(updated.attributes['session-id'], next.sessionId, 'the attributes follow the new session');
    assert.equal(updated.attributes['cancel-token'], next.cancelToken);
    assert.equal(updated.attributes.src, next.src);
    assert.equal(updated.writtenFrame, false, "the old session's frame is gone");
    assert.equal(updated.ownFrameSrc, next.src);

    await page.evaluate(() => (window as unknown as PageWindow).unmountApp());
    await page.waitForFunction(() => (window as unknown as PageWindow).seen.events.length >= 2);
    const events = await page.evaluate(() => (window as unknown as PageWindow).seen.events);
    assert.ok(events.includes('bps-cancel:spa-navigation'), `the cancel's outcome reached the listener: ${events.join(', ')}`);
    assert.equal(events.filter((event) => event.startsWith('bps-exit:')).length, 1, `one exit reached the listener: ${events.join(', ')}`);
    // The listener hears of a beacon once it is queued; the server a moment later.
    const received = () => cancels.filter((cancel) => cancel.sessionId === next.sessionId).map((cancel) => cancel.reason);
    for (const deadline = Date.now() + 5000; received().length === 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(received(), ['spa-navigation']);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
}

describe('server rendering and hydration', () => {
  before(async () => {
    await Promise.all([buildClients(), serve()]);
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  test('Vue: @vue/server-renderer writes kebab-case attributes and the frame; Chromium hydrates it cleanly', async () => {
    const props = sessionProps();
    const { value: html, printed } = await consoleOf(() => renderVue(createSSRApp({ render: () => h(VueBankPaySession, props) })));
    assert.deepEqual(printed, []);
    assertServerHtml(html, props);
    await hydrateInChromium('vue', html, props);
  });

  test('React 19: react-dom/server writes the attributes and the frame; Chromium hydrates it cleanly', async () => {
    const props = sessionProps();
    const BankPaySession = createBankPaySessionComponent(React);
    const { value: html, printed } = await consoleOf(() => renderReact(React.createElement(BankPaySession, props)));
    assert.deepEqual(printed, []);
    assertServerHtml(html, props);
    await hydrateInChromium('react', html, props);
  });

  test('React 18: the same server HTML, and no warning (no layout effect runs on a server)', async () => {
    const folder = await installPinned('react18', { react: '18.3.1', 'react-dom': '18.3.1' });
    const load = createRequire(join(folder, 'package.json'));
    // React 18's own module, not the React 19 this project's types describe.
    const React18 = load('react') as typeof React;
    const server = load('react-dom/server') as { renderToString: typeof renderReact };
    assert.match(React18.version, /^18\./);
    const props = sessionProps();
    const BankPaySession = createBankPaySessionComponent(React18);
    const { value: html, printed } = await consoleOf(() => server.renderToString(React18.createElement(BankPaySession, props)));
    assert.deepEqual(printed, []);
    assertServerHtml(html, props);
  });
});
