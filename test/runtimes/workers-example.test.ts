/**
 * examples/workers exactly as it is in the repository, with the packed package installed into
 * a copy of it, run by `wrangler dev --local` (Cloudflare's workerd, offline, no login) against
 * the sandbox: its page in Chromium, its session creation, and cancels reaching the sandbox.
 */
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import type { CancelResponse } from '../../src/protocol/cancel-request.js';
import type { CreatedSession } from '../../src/relay/index.js';
import { CHROMIUM_ARGS, chromiumPath } from '../support/chromium.mjs';
import { eventually, type SandboxSessionView } from '../relay/harness.js';
import { runOrThrow } from '../package/processes.js';
import { copyFromRepo, installInto, packPackage, REPO } from './consumer.js';
import { freePort } from '../../demo/free-port.js';
import { startProcess, type RunningProcess } from '../examples/support.js';
import { ensureRuntime, quietEnv, RUNTIMES, runtimeRequested } from './runtimes.mjs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface PageSession extends CreatedSession {
  readonly cancelUrl: string;
  readonly statusUrl: string;
  readonly lang: string;
}

let scratch: string;
let example: string;
let sandbox: RunningSandbox;
let worker: RunningProcess;
let origin: string;
let browser: Browser;

async function inspect(sessionId: string): Promise<SandboxSessionView> {
  return (await (await fetch(`${sandbox.url}/sandbox/sessions/${sessionId}`)).json()) as SandboxSessionView;
}

async function waitForStatus(sessionId: string, status: RegExp): Promise<SandboxSessionView> {
  return eventually(async () => {
    const view = await inspect(sessionId);
    return status.test(view.session.status) ? view : undefined;
  }, 8000, `session ${sessionId} to match ${status}`);
}

/** Opens the example's checkout and waits for the hosted flow to be live in the element. */
async function openCheckout(path = '/'): Promise<{ page: Page; sessionId: string; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('response', (response) => {
    // The element asks the relay's signals endpoint once whether it holds leases; on Workers it
    // does not (each isolate has its own memory) and answers 404, which the element expects.
    const leasesOff = response.status() === 404 && new URL(response.url()).pathname === '/bank-pay/signals';
    if (response.status() >= 400 && !leasesOff) errors.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(`${origin}${path}`);
  await page.waitForFunction(() => document.querySelector('bank-pay-session')?.getAttribute('state') === 'active', undefined, {
    timeout: 15_000,
  });
  const sessionId = (await page.locator('bank-pay-session').getAttribute('session-id')) ?? '';
  assert.ok(sessionId, 'the page put no session on the element');
  return { page, sessionId, errors };
}

const skip = runtimeRequested('wrangler') ? false : `not in BPS_RUNTIMES=${process.env.BPS_RUNTIMES}`;

describe(`examples/workers on workerd (wrangler ${RUNTIMES.wrangler.version} dev --local)`, { skip }, () => {
  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'bank-pay-session-workers-'));
    const [tarball, wrangler] = await Promise.all([packPackage(scratch), ensureRuntime('wrangler')]);
    example = join(scratch, 'workers');
    copyFromRepo('examples/workers', example);
    await installInto(example, [tarball]);

    const [port, inspectorPort] = [await freePort(), await freePort()];
    origin = `http://127.0.0.1:${port}`;
    sandbox = await startSandbox({ port: 0, allowedOrigins: [origin] });
    // The README's `cp .dev.vars.example .dev.vars`, plus this run's addresses in place of the
    // documented ports (.dev.vars wins over wrangler.toml's [vars]).
    copyFileSync(join(example, '.dev.vars.example'), join(example, '.dev.vars'));
    appendFileSync(join(example, '.dev.vars'), `\nBPS_PROVIDER_URL=${sandbox.url}\nBPS_ALLOWED_ORIGINS=${origin}\n`);
    // The example's own `npm start`, on free ports, with the wrangler this suite installed first
    // on PATH (the copy is installed without its devDependencies).
    worker = await startProcess(
      npm,
      ['start', '--', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort), '--show-interactive-dev-session=false'],
      {
        cwd: example,
        env: { ...quietEnv(scratch), PATH: `${dirname(wrangler.bin)}${delimiter}${process.env.PATH ?? ''}` },
        ready: new RegExp(`Ready on ${origin.replaceAll('.', '\\.')}`),
        timeoutMs: 90_000,
      },
    );
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await worker?.stop();
    await sandbox?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('the example type-checks against the shipped declarations', async () => {
    await runOrThrow(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(example, 'tsconfig.json')], { cwd: example });
  });

  test('a session from the example, then cancels from later requests, reach the sandbox once', async (t) => {
    const created = await fetch(`${origin}/checkout/session`, { method: 'POST', body: '{}' });
    const session = (await created.json()) as PageSession;
    assert.equal(created.status, 200, JSON.stringify(session));
    assert.equal((await inspect(session.sessionId)).session.status, 'Initiated');

    // Two cancels, as a close button and a pagehide beacon would send: the relay was built in
    // an earlier request, and both must get through workerd to one provider call.
    const cancel = async () => {
      const response = await fetch(`${origin}${session.cancelUrl}`, {
        method: 'POST',
        headers: { origin, 'content-type': 'text/plain;charset=UTF-8' },
        body: JSON.stringify({ sessionId: session.sessionId, token: session.cancelToken, reason: 'close-button' }),
      });
      return { http: response.status, body: (await response.json()) as CancelResponse };
    };
    const started = performance.now();
    const first = await cancel();
    t.diagnostic(`workerd: cancel answered in ${Math.round(performance.now() - started)} ms`);
    const { correlationId, ...answer } = first.body as CancelResponse & { correlationId?: unknown };
    assert.deepEqual({ http: first.http, body: answer }, { http: 200, body: { outcome: 'cancelled', status: 'Cancelled', providerStatus: 'Cancelled', statusDetails: 'EFT0501' } });
    assert.equal(typeof correlationId, 'string', 'every answer carries the id its audit lines share');
    assert.equal((await cancel()).body.outcome, 'cancelled');

    const view = await inspect(session.sessionId);
    assert.equal(view.session.status, 'Cancelled');
    assert.equal(view.cancelCalls, 1);
    const status = await fetch(`${origin}${session.statusUrl}`, { headers: { origin } });
    assert.equal(((await status.json()) as { status: string }).status, 'Cancelled');
  });

  test('in Chromium, the page frames the hosted flow and closing the tab cancels the session', async () => {
    const { page, sessionId, errors } = await openCheckout();
    const frame = await (await page.locator('bank-pay-session iframe').elementHandle())?.contentFrame();
    assert.ok(frame, 'no hosted flow frame in the element');
    await frame.waitForSelector('body[data-state="bank"]');
    await page.close({ runBeforeUnload: true });
    const view = await waitForStatus(sessionId, /^Cancelled$/);
    assert.equal(view.cancelCalls, 1);
    assert.deepEqual(errors, []);
  });

  test('in French, the session and the element speak French; "Start again" after a close gives a new session', async () => {
    const { page, sessionId, errors } = await openCheckout('/?lang=fr');
    assert.equal(await page.locator('bank-pay-session').getAttribute('lang'), 'fr');
    assert.equal((await inspect(sessionId)).session.status, 'Initiated');
    const frame = await (await page.locator('bank-pay-session iframe').elementHandle())?.contentFrame();
    assert.match((await frame?.evaluate(() => document.documentElement.lang)) ?? '', /^fr/);

    await page.locator('bank-pay-session [part~="close-button"]').click();
    const confirm = page.locator('bank-pay-session [part~="confirm-button"]');
    if (await confirm.count()) await confirm.click();
    await waitForStatus(sessionId, /^Cancelled$/);
    await page.locator('bank-pay-session [part~="restart-button"]').click();
    await page.waitForFunction(
      (old) => {
        const element = document.querySelector('bank-pay-session');
        return element?.getAttribute('state') === 'active' && element.getAttribute('session-id') !== old;
      },
      sessionId,
      { timeout: 15_000 },
    );
    const next = (await page.locator('bank-pay-session').getAttribute('session-id')) ?? '';
    assert.equal((await inspect(next)).session.status, 'Initiated');
    await page.close();
    await waitForStatus(next, /^Cancelled$/);
    assert.deepEqual(errors, []);
  });
});
