/**
 * The element under a strict Content-Security-Policy, the one docs/csp.md recommends: no inline
 * script, no eval, Trusted Types required (only Lit's `lit-html` policy allowed), frames only
 * from the provider, connections only to the relay, which runs on another origin. The page is
 * the standalone build plus one script of the merchant's, all from 'self'. Two probes prove the
 * policy is enforced (an inline script that must not run, an `innerHTML` string that must be
 * refused); apart from them the browser must report no violation while the frame shows, the
 * close button cancels, "start again" starts a new session and closing the tab cancels that one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { freePort } from '../../demo/free-port.js';
import { createRelay, createSession } from '../../src/relay/index.js';
import { serveRelay, type ServedRelay } from '../../src/relay/node.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { hostedFrame, isCancelled, launchChromium, waitForCancelled } from '../e2e/support.js';
import { REPO } from './support.js';

const TOKEN_KEY = 'csp-test-token-key-0123456789-abcdefghijklmnop';
/** What the page's own script does; an external file, as `script-src 'self'` requires. */
const CHECKOUT_SCRIPT = `
window.violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.violations.push({ directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample });
});
// Probe: with Trusted Types required, a plain string in an HTML sink must throw.
try {
  document.createElement('div').innerHTML = '<b>probe</b>';
  window.trustedTypesEnforced = false;
} catch (error) {
  window.trustedTypesEnforced = error instanceof TypeError;
}
addEventListener('bps-restart', () => location.reload(), true);
`;

/**
 * The standalone file twice: two copies of Lit, as on a page whose own app uses Lit too. Each
 * copy asks Trusted Types for a policy named `lit-html`.
 */
const TWO_COPIES_PAGE = `<!doctype html>
<title>Two copies of Lit</title>
<script type="module" src="/bank-pay-session.js?copy=1"></script>
<script type="module" src="/bank-pay-session.js?copy=2"></script>
<script type="module" src="/done.js"></script>`;

let scratch: string;
let standalone: string;
let sandbox: RunningSandbox;
let relay: ServedRelay;
let pages: Server;
let pageOrigin: string;
let policy: string;
let browser: Browser;

/**
 * The policy of docs/csp.md for this page, provider and relay ('report-sample' added, so that a
 * violation says what it blocked).
 */
function checkoutPolicy(provider: string, relayOrigin: string, trustedTypes = 'lit-html'): string {
  return [
    "default-src 'none'",
    "script-src 'self' 'report-sample'",
    "style-src 'self'",
    `frame-src ${provider}`,
    `connect-src ${relayOrigin}`,
    "require-trusted-types-for 'script'",
    `trusted-types ${trustedTypes}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

async function checkoutPage(): Promise<string> {
  const provider = { url: sandbox.url, clientId: 'sandbox-client', clientSecret: 'sandbox-secret' };
  const session = await createSession({
    provider,
    tokenKey: TOKEN_KEY,
    request: { type: 'EFT', direction: 'DEBIT', referenceId: `csp-${Date.now()}`, amount: 10, payor: { firstName: 'Ada', lastName: 'Lovelace' } },
  });
  const statusUrl = `${relay.url}/bank-pay/sessions/${session.sessionId}/status?token=${encodeURIComponent(session.cancelToken)}`;
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>Checkout under a strict CSP</title>
<script src="/checkout.js"></script>
<script type="module" src="/bank-pay-session.js"></script>
<script>window.inlineScriptRan = true;</script>
<bank-pay-session src="${session.url}" session-id="${session.sessionId}" cancel-token="${session.cancelToken}"
  cancel-url="${relay.url}/bank-pay/cancel" status-url="${statusUrl}" expires-at="${session.expiresAt}"></bank-pay-session>
</html>`;
}

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'bank-pay-session-csp-'));
  // The standalone file exactly as the package builds it.
  await build({ root: REPO, configFile: join(REPO, 'vite.config.ts'), mode: 'standalone', logLevel: 'silent', build: { outDir: scratch, emptyOutDir: true } });
  standalone = readFileSync(join(scratch, 'bank-pay-session.standalone.js'), 'utf8');

  const pagePort = await freePort();
  pageOrigin = `http://localhost:${pagePort}`;
  sandbox = await startSandbox({ port: 0, allowedOrigins: [pageOrigin] });
  const provider = { url: sandbox.url, clientId: 'sandbox-client', clientSecret: 'sandbox-secret' };
  relay = await serveRelay(createRelay({ provider, tokenKeys: [TOKEN_KEY], allowedOrigins: [pageOrigin], log: () => {} }), {
    port: 0,
    host: '127.0.0.1',
    log: () => {},
  });
  policy = checkoutPolicy(sandbox.url, relay.url);

  pages = createServer((request, response) => {
    const headers = { 'content-security-policy': policy, 'cache-control': 'no-store' };
    if (request.url?.startsWith('/two-copies')) {
      const trustedTypes = request.url.endsWith('allow-duplicates') ? "lit-html 'allow-duplicates'" : 'lit-html';
      const twoCopies = { 'content-security-policy': checkoutPolicy(sandbox.url, relay.url, trustedTypes), 'content-type': 'text/html' };
      return response.writeHead(200, twoCopies).end(TWO_COPIES_PAGE);
    }
    if (request.url === '/done.js') return response.writeHead(200, { ...headers, 'content-type': 'text/javascript' }).end('window.done = true;');
    if (request.url?.startsWith('/bank-pay-session.js?'))
      return response.writeHead(200, { ...headers, 'content-type': 'text/javascript' }).end(standalone);
    if (request.url === '/checkout.js') return response.writeHead(200, { ...headers, 'content-type': 'text/javascript' }).end(CHECKOUT_SCRIPT);
    if (request.url === '/bank-pay-session.js') return response.writeHead(200, { ...headers, 'content-type': 'text/javascript' }).end(standalone);
    if (request.url !== '/') return response.writeHead(404).end();
    checkoutPage().then(
      (html) => response.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(html),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => pages.listen(pagePort, '127.0.0.1', resolve));
  assert.equal((pages.address() as AddressInfo).port, pagePort);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => pages?.close(resolve));
  await relay?.close();
  await sandbox?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

interface PageFindings {
  sessionId: string;
  violations: Array<{ directive: string; blocked: string; sample: string }>;
  inlineScriptRan: boolean;
  trustedTypesEnforced: boolean;
}

async function openCheckout(page: Page, previousSessionId = ''): Promise<PageFindings> {
  if (!previousSessionId) await page.goto(`${pageOrigin}/`);
  await page.waitForFunction(
    (previous) => {
      const element = document.querySelector('bank-pay-session');
      return element?.getAttribute('state') === 'active' && element.sessionId !== previous;
    },
    previousSessionId,
    { timeout: 15_000 },
  );
  await hostedFrame(page);
  return page.evaluate(() => {
    const findings = window as unknown as Omit<PageFindings, 'sessionId'>;
    return {
      sessionId: document.querySelector('bank-pay-session')?.sessionId ?? '',
      violations: findings.violations,
      inlineScriptRan: findings.inlineScriptRan === true,
      trustedTypesEnforced: findings.trustedTypesEnforced,
    };
  });
}

/** The violations the probes cause on purpose: the inline script, and the HTML string. */
function unexpected(violations: PageFindings['violations']): PageFindings['violations'] {
  return violations.filter(
    (violation) =>
      !(violation.directive === 'script-src-elem' && violation.blocked === 'inline' && violation.sample.includes('inlineScriptRan')) &&
      !(violation.directive === 'require-trusted-types-for' && violation.sample.includes('<b>probe</b>')),
  );
}

describe('the element under script-src \'self\' and required Trusted Types', () => {
  test('the frame shows, the close button cancels, "start again" works, closing the tab cancels; no violation but the probes', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Chromium names each violation on the console too: kept to explain a failure.
    const consoleErrors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));

    const first = await openCheckout(page);
    assert.equal(first.inlineScriptRan, false, 'sanity: the policy blocks inline scripts');
    assert.equal(first.trustedTypesEnforced, true, 'sanity: the policy requires Trusted Types');
    assert.equal(first.violations.length, 2, `sanity: both probes were reported: ${JSON.stringify(first.violations)}`);

    // The close button: a fetch to the relay, on another origin (connect-src).
    await page.locator('bank-pay-session [part~="close-button"]').click();
    const confirm = page.locator('bank-pay-session [part~="confirm-button"]');
    if (await confirm.count()) await confirm.click();
    const closed = await waitForCancelled({ sandboxUrl: sandbox.url }, first.sessionId);
    assert.ok(isCancelled(closed.session.status), `close button: expected Cancelled, got ${closed.session.status}`);
    await page.waitForFunction(() => document.querySelector('bank-pay-session')?.getAttribute('state') === 'cancelled');

    // "Start again" reloads the page, which makes a new session (the element renders its
    // new frame, and its message and buttons, through Lit's policy).
    await page.locator('bank-pay-session [part~="restart-button"]').click();
    await page.waitForURL(`${pageOrigin}/`);
    const second = await openCheckout(page, first.sessionId);
    assert.deepEqual(unexpected(second.violations), [], consoleErrors.join('\n'));

    // Closing the tab: a beacon (and Chromium's deferred fetch) to the relay.
    await page.close({ runBeforeUnload: true });
    const abandoned = await waitForCancelled({ sandboxUrl: sandbox.url }, second.sessionId);
    assert.ok(isCancelled(abandoned.session.status), `tab close: expected Cancelled, got ${abandoned.session.status}`);
    assert.equal(abandoned.cancelCalls, 1);
    await context.close();

    assert.deepEqual(unexpected(first.violations), [], consoleErrors.join('\n'));
    assert.deepEqual(errors, []);
  });
});

describe('a page with another copy of Lit', () => {
  async function pageErrors(path: string): Promise<string[]> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${pageOrigin}${path}`);
    await page.waitForFunction(() => (window as unknown as { done?: boolean }).done === true);
    await page.close();
    return errors;
  }

  test("needs 'allow-duplicates' beside lit-html: without it the second copy cannot start", async () => {
    const refused = await pageErrors('/two-copies');
    assert.equal(refused.length, 1, `one error, from the second copy: ${refused.join('\n')}`);
    assert.match(refused[0]!, /lit-html/);
    assert.deepEqual(await pageErrors('/two-copies?allow-duplicates'), []);
  });
});
