/**
 * examples/: each merchant, run the way its folder says, against the sandbox, on the packed
 * package. The Express one is installed by a strict pnpm (only declared dependencies resolve),
 * the others by npm. Each is started with its own `sandbox` and `start` scripts (free ports
 * instead of the documented 3000 / 4010 / 8787), its page loaded in Chromium until the hosted
 * flow shows in the frame, the checkout abandoned, and the session read back Cancelled from the
 * sandbox, with exactly one cancel call.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '../../demo/free-port.js';
import { hostedFrame, isCancelled, launchChromium, waitForCancelled, type SandboxSessionRecord } from '../e2e/support.js';
import {
  EXAMPLES,
  installExample,
  pnpmBinary,
  packPackage,
  readEnvFile,
  readExamplePackageJson,
  REPO,
  scriptCommand,
  startProcess,
  type PackageManager,
  type RunningProcess,
} from './support.js';

const EXAMPLE_NAMES = ['express', 'hono-node', 'plain-html'] as const;
/** The port every example's page is documented on; the tests use free ports instead. */
const DOCUMENTED_ORIGIN = 'http://localhost:3000';
const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };

let scratch: string;
let tarball: string;
let browser: Browser;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'bank-pay-session-examples-'));
  tarball = await packPackage(scratch);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(m?js|ts|html)$/.test(name) ? [path] : [];
  });
}

/** Every module specifier a file imports: static, dynamic, side-effect only, or resolved. */
function importedSpecifiers(text: string): string[] {
  const pattern = /\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\bimport\s+['"]([^'"]+)['"]|import\.meta\.resolve\(\s*['"]([^'"]+)['"]/g;
  return [...text.matchAll(pattern)].map((match) => match[1] ?? match[2] ?? match[3] ?? match[4] ?? '');
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  return specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
}

describe('every example is a project a newcomer can run as written', () => {
  for (const name of EXAMPLE_NAMES) {
    const folder = join(EXAMPLES, name);

    test(`${name}: an ES module package importing only bank-pay-session entries, Node built-ins and its declared dependencies`, () => {
      const manifest = readExamplePackageJson(folder);
      assert.equal(manifest.type, 'module', 'a fresh npm project is CommonJS: the example must say "type": "module"');
      assert.equal(manifest.dependencies?.['bank-pay-session'], `^${version}`);
      const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})]);
      const files = sourceFiles(folder);
      assert.ok(files.some((file) => /server\.(m?js|ts)$/.test(file)), 'sanity: the example has a server');
      const strays: string[] = [];
      for (const file of files) {
        for (const specifier of importedSpecifiers(readFileSync(file, 'utf8'))) {
          if (/^(\.|\/|https?:)/.test(specifier)) continue;
          const builtin = specifier.startsWith('node:') || builtinModules.includes(specifier);
          const bankPaySession = packageName(specifier) === 'bank-pay-session';
          const own = declared.has(packageName(specifier)) && packageName(specifier) !== '@hono/node-server';
          if (!builtin && !bankPaySession && !own) strays.push(`${relative(folder, file)}: ${specifier}`);
        }
      }
      assert.deepEqual(strays, []);
    });

    test(`${name}: the sandbox frames the page's origin, which is also the one origin the relay accepts`, () => {
      const { scripts } = readExamplePackageJson(folder);
      assert.match(scripts.sandbox ?? '', /^bank-pay-session sandbox .*--allowed-origin http:\/\/localhost:3000\b/);
      assert.match(scripts.start ?? '', /--env-file=sandbox\.env\b/);
      const env = readEnvFile(join(folder, 'sandbox.env'));
      assert.equal(env.BPS_ALLOWED_ORIGINS, DOCUMENTED_ORIGIN);
      assert.equal(env.BPS_PROVIDER_URL, 'http://127.0.0.1:4010', 'the sandbox script listens on 4010');
      for (const key of ['BPS_CLIENT_ID', 'BPS_CLIENT_SECRET', 'BPS_TOKEN_KEYS']) assert.ok(env[key], `sandbox.env sets ${key}`);
    });
  }

  test('a page that loads the element from unpkg pins the version this package is at', () => {
    const pinned = EXAMPLE_NAMES.flatMap((name) => sourceFiles(join(EXAMPLES, name)))
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/unpkg\.com\/bank-pay-session(@[^/"']*)?\//g)])
      .map((match) => match[1] ?? '(unpinned)');
    assert.ok(pinned.length > 0, 'sanity: the Express page loads the element from unpkg');
    assert.deepEqual([...new Set(pinned)], [`@${version}`]);
  });
});

interface RunningExample {
  folder: string;
  /** The page's origin, as the shopper's browser sees it. */
  origin: string;
  sandboxUrl: string;
  relayPort: number;
}

/** Installs an example, starts its sandbox and its server with its own scripts, runs `use`, stops both. */
async function withExample(name: string, manager: PackageManager, use: (example: RunningExample) => Promise<void>): Promise<void> {
  const folder = await installExample(name, scratch, tarball, manager);
  const pnpm = manager === 'pnpm' ? await pnpmBinary() : undefined;
  const [sandboxPort, appPort, relayPort] = [await freePort(), await freePort(), await freePort()];
  const origin = `http://localhost:${appPort}`;
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const running: RunningProcess[] = [];
  try {
    const [sandboxCommand, sandboxArgs] = scriptCommand(manager, pnpm, 'sandbox', ['--port', String(sandboxPort), '--allowed-origin', origin]);
    running.push(await startProcess(sandboxCommand, sandboxArgs, { cwd: folder, env: {}, ready: /sandbox listening on/ }));
    const [startCommand, startArgs] = scriptCommand(manager, pnpm, 'start');
    // The variables win over sandbox.env, which the start script still reads for the rest.
    const env = { PORT: String(appPort), RELAY_PORT: String(relayPort), BPS_PROVIDER_URL: sandboxUrl, BPS_ALLOWED_ORIGINS: origin };
    running.push(await startProcess(startCommand, startArgs, { cwd: folder, env, ready: /checkout on http:\/\/localhost:\d+/ }));
    await use({ folder, origin, sandboxUrl, relayPort });
  } catch (error) {
    const logs = running.map((process) => process.output()).join('\n---\n');
    throw new Error(`${String(error instanceof Error ? error.stack : error)}\n--- example output ---\n${logs}`);
  } finally {
    for (const process of running.reverse()) await process.stop();
  }
}

/** Loads the checkout and waits until the hosted flow shows in the element's frame; returns its session id. */
async function openCheckout(page: Page, url: string, previousSessionId = ''): Promise<string> {
  if (page.url() !== url) await page.goto(url);
  const sessionId = await page.waitForFunction(
    (previous) => {
      const element = document.querySelector('bank-pay-session');
      return element?.getAttribute('state') === 'active' && element.sessionId !== previous ? element.sessionId : undefined;
    },
    previousSessionId,
    { timeout: 15_000 },
  );
  await hostedFrame(page);
  return (await sessionId.jsonValue()) as string;
}

function assertCancelledOnce(record: SandboxSessionRecord): void {
  assert.ok(isCancelled(record.session.status), `expected Cancelled, got ${record.session.status}`);
  assert.equal(record.cancelCalls, 1);
}

/** Page errors, to fail a test on a script error even when the flow happens to work. */
function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

describe('each example end to end against the sandbox', () => {
  test('express, installed by a strict pnpm: French flow; close button cancels, "start again" makes a new session, closing the tab cancels it', async () => {
    await withExample('express', 'pnpm', async ({ folder, origin, sandboxUrl }) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      // The page loads the element from unpkg, which this machine cannot reach: serve the very
      // file unpkg serves for that version, from the installed tarball.
      const cdnRequests: string[] = [];
      await context.route('https://unpkg.com/**', async (route) => {
        cdnRequests.push(route.request().url());
        const file = join(folder, 'node_modules/bank-pay-session/dist/bank-pay-session.standalone.js');
        await route.fulfill({ contentType: 'text/javascript', body: readFileSync(file, 'utf8') });
      });

      const first = await openCheckout(page, `${origin}/`);
      assert.deepEqual(cdnRequests, [`https://unpkg.com/bank-pay-session@${version}/dist/bank-pay-session.standalone.js`]);
      const frame = await hostedFrame(page);
      assert.match(await frame.evaluate(() => document.documentElement.lang), /^fr\b/, 'the session is created in the page language');

      await page.locator('bank-pay-session [part~="close-button"]').click();
      const confirm = page.locator('bank-pay-session [part~="confirm-button"]');
      if (await confirm.count()) await confirm.click();
      assertCancelledOnce(await waitForCancelled({ sandboxUrl }, first));

      await page.locator('bank-pay-session [part~="restart-button"]').click();
      const second = await openCheckout(page, page.url(), first);
      assert.notEqual(second, first);

      await page.close({ runBeforeUnload: true });
      assertCancelledOnce(await waitForCancelled({ sandboxUrl }, second));
      await context.close();
      assert.deepEqual(errors, []);
    });
  });

  test('hono-node, TypeScript run by tsx: the server-rendered tag shows the flow; navigating away cancels', async () => {
    await withExample('hono-node', 'npm', async ({ origin, sandboxUrl }) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      const sessionId = await openCheckout(page, `${origin}/`);
      await page.goto('about:blank');
      assertCancelledOnce(await waitForCancelled({ sandboxUrl }, sessionId));
      await context.close();
      assert.deepEqual(errors, []);
    });
  });

  test('plain-html, the relay on its own origin: absolute cancel-url; closing the tab cancels', async () => {
    await withExample('plain-html', 'npm', async ({ origin, sandboxUrl, relayPort }) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      const sessionId = await openCheckout(page, `${origin}/`);
      const fromPage = await page.evaluate(async () => {
        const element = document.querySelector('bank-pay-session');
        // What the element asks when the shopper comes back: a cross-origin read the relay must allow.
        const status = await fetch(element?.statusUrl ?? '').then((response) => response.json() as Promise<{ status?: string }>);
        return { cancelUrl: element?.cancelUrl, statusUrl: element?.statusUrl, status: status.status };
      });
      assert.equal(fromPage.cancelUrl, `http://localhost:${relayPort}/bank-pay/cancel`);
      assert.ok(fromPage.statusUrl?.startsWith(`http://localhost:${relayPort}/bank-pay/sessions/${sessionId}/status?token=`));
      assert.equal(fromPage.status, 'Initiated');
      await page.close({ runBeforeUnload: true });
      assertCancelledOnce(await waitForCancelled({ sandboxUrl }, sessionId));
      await context.close();
      assert.deepEqual(errors, []);
    });
  });
});
