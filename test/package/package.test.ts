/**
 * The package as a merchant gets it: `npm run build`, `npm pack`, the tarball installed into a
 * scratch folder, then every entry used from there. Node entries run in Node, browser entries
 * load in Chromium both without a bundler (import map, and the one-tag standalone file) and
 * through Vite, and TypeScript checks a consumer against the shipped declarations, so a broken
 * export map, a missing file or a wrong `sideEffects` fails here. publint (strict) and
 * Are The Types Wrong lint the tarball itself; the manifest and the editor data are read from it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { EDITOR_DATA_FILES, editorData } from '../../scripts/editor-data.js';
import { CHROMIUM_ARGS, chromiumPath } from '../support/chromium.mjs';
import { exportedPath, importMap } from './import-map.js';
import { elementDeclaration, type Manifest } from './manifest-support.js';
import { run, runOrThrow } from './processes.js';
import { serveDirectory, type StaticServer } from './static-server.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = join(repo, 'node_modules/typescript/bin/tsc');

/** What the consumer installs next to the tarball: the optional peers and their types. */
const CONSUMER_PACKAGES = ['react', 'react-dom', 'vue', '@types/react', '@types/react-dom', '@types/node'];
const ENTRY_POINTS = ['.', './define', './react', './vue', './relay', './relay/node', './sandbox', './standalone'];

let scratch: string;
let tarball: string;
let nodeModules: string;
let packedFiles: string[];
let server: StaticServer;
let browser: Browser;

interface InstalledPackageJson {
  main: string;
  types: string;
  exports: Record<string, string | Record<string, string>>;
  customElements: string;
  'web-types': string;
  sideEffects: string[];
}

function installedPackageJson(): InstalledPackageJson {
  return JSON.parse(readFileSync(join(nodeModules, 'bank-pay-session/package.json'), 'utf8')) as InstalledPackageJson;
}

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

/** Installs packages into a consumer folder from the npm cache, or from the registry when missing there. */
async function install(folder: string, packages: string[]): Promise<void> {
  const args = ['install', '--no-audit', '--no-fund', '--no-package-lock', ...packages];
  const offline = await run(npm, [...args, '--offline'], { cwd: folder });
  if (offline.code !== 0) await runOrThrow(npm, [...args, '--prefer-offline'], { cwd: folder });
}

/** A Vite production build of some pages, with asset URLs relative so any folder can serve them. */
async function viteBuild(root: string, pages: Record<string, string>, outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    root,
    base: './',
    configFile: false,
    logLevel: 'error',
    build: {
      outDir,
      emptyOutDir: true,
      rolldownOptions: { input: Object.fromEntries(Object.entries(pages).map(([name, page]) => [name, join(root, page)])) },
    },
  });
}

/** Node code run as an ES module from the scratch folder, so imports resolve as a merchant's do. */
async function runInConsumer(source: string): Promise<unknown> {
  const file = join(scratch, `check-${Date.now()}-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, source);
  const { stdout } = await runOrThrow(process.execPath, [file], { cwd: scratch });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null');
}

/** Opens a page of the scratch server and returns what its script left in `window.result`. */
async function resultOfPage(path: string): Promise<Record<string, unknown>> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(`${server.origin}${path}`);
    await page.waitForFunction(() => 'result' in window && (window as { result?: unknown }).result !== undefined, null, {
      timeout: 10_000,
    });
    return await page.evaluate(() => (window as unknown as { result: Record<string, unknown> }).result);
  } catch (error) {
    throw new Error(`${path} did not finish: ${String(error)}\npage errors: ${errors.join('\n') || 'none'}`);
  } finally {
    await page.close();
  }
}

/** A script that runs `body` and leaves its value (or its error) in `window.result`. */
function pageScript(body: string): string {
  return `<script type="module">
try {
  window.result = await (async () => {\n${body}\n  })();
} catch (error) {
  window.result = { error: String(error && error.stack || error) };
}
</script>`;
}

/** Creates an element for a session whose hosted flow is a blank local page; resolves once it is ready. */
const MOUNT_AND_WAIT_READY = `
  const mountReady = (element) => new Promise((resolve, reject) => {
    element.addEventListener('bps-ready', () => resolve(element), { once: true });
    element.addEventListener('bps-exit', (event) => reject(new Error('exit: ' + event.reason + ' ' + event.message)), { once: true });
    element.src = location.origin + '/pages/flow.html';
    element.sessionId = crypto.randomUUID();
    document.body.append(element);
  });`;

describe('the npm package', () => {
  before(async () => {
    await runOrThrow(npm, ['run', 'build'], { cwd: repo });
    scratch = mkdtempSync(join(tmpdir(), 'bank-pay-session-package-'));
    nodeModules = join(scratch, 'node_modules');
    const packed = await runOrThrow(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], { cwd: repo });
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    assert.ok(info, 'npm pack reported no tarball');
    packedFiles = info.files.map((file) => file.path).sort();

    tarball = join(scratch, info.filename);
    write(join(scratch, 'package.json'), JSON.stringify({ name: 'merchant-checkout', private: true, type: 'module' }));
    await install(scratch, [tarball, ...CONSUMER_PACKAGES]);

    write(join(scratch, 'pages/flow.html'), '<!doctype html><title>Hosted flow stand-in</title><p>flow</p>');
    server = await serveDirectory(scratch);
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('ships the builds, declarations, bin and manifest, and no sources or tests', () => {
    for (const file of [
      'package.json',
      'custom-elements.json',
      'bin/bank-pay-session.js',
      'dist/index.js',
      'dist/define.js',
      'dist/react.js',
      'dist/vue.js',
      'dist/relay.js',
      'dist/relay-node.js',
      'dist/sandbox.js',
      'dist/cli.js',
      'dist/bank-pay-session.standalone.js',
      'dist/types/element/index.d.ts',
      'dist/types/element/define.d.ts',
      'dist/types/react/index.d.ts',
      'dist/types/vue/index.d.ts',
      'dist/vscode.html-custom-data.json',
      'dist/vscode.css-custom-data.json',
      'dist/web-types.json',
      'LICENSE',
    ]) {
      assert.ok(packedFiles.includes(file), `the tarball lacks ${file}`);
    }
    const unwanted = packedFiles.filter((file) => /^(src|test|demo|scripts|node_modules)\//.test(file));
    assert.deepEqual(unwanted, []);
  });

  test('every export of the installed package points at a file that exists, and every field that names a file too', () => {
    const manifest = installedPackageJson();
    assert.deepEqual(Object.keys(manifest.exports).filter((key) => ENTRY_POINTS.includes(key)).sort(), [...ENTRY_POINTS].sort());
    const targets = Object.values(manifest.exports).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target)));
    assert.ok(manifest.sideEffects.includes('./dist/define.js'), 'the registration must survive tree-shaking');
    const paths = [...targets, manifest.customElements, manifest['web-types'], manifest.types, manifest.main, ...manifest.sideEffects];
    const missing = paths.map((path) => path.replace(/^\.\//, '')).filter((path) => !packedFiles.includes(path));
    assert.deepEqual(missing, []);
  });

  test('every code entry has its own type declarations', () => {
    const { exports } = installedPackageJson();
    const untyped = Object.entries(exports)
      .filter(([subpath]) => !subpath.endsWith('.json'))
      .filter(([, target]) => typeof target === 'string' || !target.types?.endsWith('.d.ts') || Object.keys(target)[0] !== 'types')
      .map(([subpath]) => subpath);
    assert.deepEqual(untyped, []);
  });

  test('publint --strict finds nothing in the tarball, not even a suggestion', async () => {
    const data = readFileSync(tarball);
    const { messages, pkg } = await publint({
      pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) },
      strict: true,
      level: 'suggestion',
    });
    assert.deepEqual(
      messages.map((message) => `${message.type}: ${formatMessage(message, pkg) ?? message.code}`),
      [],
    );
  });

  test('Are The Types Wrong: every entry resolves with types for ESM importers (Node 16+ and bundlers)', async () => {
    const cli = join(repo, 'node_modules/@arethetypeswrong/cli/dist/index.js');
    // Exit code 1 whenever any problem is listed, including the two kinds accepted below.
    const { stdout } = await run(process.execPath, [cli, tarball, '--format', 'json', '--no-color'], {
      cwd: scratch,
      stdoutFile: join(scratch, 'attw.json'),
    });
    const report = JSON.parse(stdout) as {
      analysis: { types?: { kind: string }; problems: Array<{ kind: string; entrypoint: string; resolutionKind?: string }> };
    };
    assert.equal(report.analysis.types?.kind, 'included');
    // The package is ESM only ("type": "module", no CommonJS build, as Lit itself), so two kinds of
    // resolution are out of scope: TypeScript's legacy `node10`, which ignores `exports` (every
    // subpath is "not found" there), and `require()` from CommonJS under node16, which attw flags as
    // "ESM (dynamic import only)". Anything else (a missing or mismatched declaration, a masquerading
    // format, a wrong default export) fails here.
    const ESM_ONLY: Readonly<Record<string, string>> = { node10: 'NoResolution', 'node16-cjs': 'CJSResolvesToESM' };
    const problems = report.analysis.problems.filter((problem) => ESM_ONLY[problem.resolutionKind ?? ''] !== problem.kind);
    assert.deepEqual(problems, []);
    assert.ok(report.analysis.problems.length > 0, 'sanity: the ESM-only problems were reported and read');
  });

  test("custom-elements.json's modules are shipped files that export what it says (in Chromium, from the tarball)", async () => {
    const manifest = JSON.parse(readFileSync(join(nodeModules, 'bank-pay-session/custom-elements.json'), 'utf8')) as Manifest;
    assert.ok(manifest.modules.length >= 2, 'sanity: the manifest lists modules');
    const map = importMap(nodeModules, ['lit', 'lit-html', 'lit-element', '@lit/reactive-element']);
    const modules = manifest.modules.map((module) => ({ path: module.path, url: `/node_modules/bank-pay-session/${module.path}` }));
    write(
      join(scratch, 'pages/manifest-modules.html'),
      `<!doctype html><title>manifest modules</title>
<script type="importmap">${JSON.stringify(map)}</script>
${pageScript(`
    const exportsByPath = {};
    for (const { path, url } of ${JSON.stringify(modules)}) exportsByPath[path] = Object.keys(await import(url)).sort();
    return { exportsByPath, defined: customElements.get('bank-pay-session') !== undefined };`)}`,
    );
    const result = await resultOfPage('/pages/manifest-modules.html');
    assert.equal(result.error, undefined);
    const listed = Object.fromEntries(
      manifest.modules.map((module) => [module.path, (module.exports ?? []).filter((entry) => entry.kind === 'js').map((entry) => entry.name).sort()]),
    );
    assert.deepEqual(result.exportsByPath, listed);
    assert.equal(result.defined, true, 'the module with the custom-element-definition defines the tag');
  });

  test('the editor data (VS Code custom data, web-types) is generated from the shipped manifest and names all of it', () => {
    const manifest = JSON.parse(readFileSync(join(nodeModules, 'bank-pay-session/custom-elements.json'), 'utf8')) as Manifest;
    const expected = editorData(manifest);
    for (const name of EDITOR_DATA_FILES) {
      const shipped = JSON.parse(readFileSync(join(nodeModules, 'bank-pay-session/dist', name), 'utf8')) as unknown;
      assert.deepEqual(shipped, expected[name], `dist/${name} is not what the generator makes of custom-elements.json`);
    }
    const element = elementDeclaration(manifest);
    const shippedText = (name: string) => readFileSync(join(nodeModules, 'bank-pay-session/dist', name), 'utf8');
    for (const attribute of element.attributes ?? []) {
      assert.ok(shippedText('vscode.html-custom-data.json').includes(`"name": "${attribute.name}"`), `VS Code data lacks ${attribute.name}`);
      assert.ok(shippedText('web-types.json').includes(`"name": "${attribute.name}"`), `web-types lack ${attribute.name}`);
    }
    for (const property of element.cssProperties ?? []) assert.ok(shippedText('vscode.css-custom-data.json').includes(`"name": "${property.name}"`));
    for (const part of element.cssParts ?? []) assert.ok(shippedText('vscode.css-custom-data.json').includes(`"name": "::part(${part.name})"`));
    for (const event of element.events ?? []) assert.ok(shippedText('web-types.json').includes(`"name": "${event.name}"`));
    assert.equal(installedPackageJson()['web-types'], './dist/web-types.json');
  });

  test('Node imports ./relay, ./relay/node and ./sandbox; a session is created, framed and cancelled with them', async () => {
    const result = await runInConsumer(`
      import * as relay from 'bank-pay-session/relay';
      import * as relayNode from 'bank-pay-session/relay/node';
      import * as sandboxModule from 'bank-pay-session/sandbox';
      const sandbox = await sandboxModule.startSandbox({ port: 0 });
      const provider = { url: sandbox.url, clientId: 'sandbox-client', clientSecret: 'sandbox-secret' };
      const tokenKey = 'package-test-key-'.padEnd(48, 'k');
      const app = relay.createRelay({ provider, tokenKeys: [tokenKey], allowedOrigins: ['https://shop.example'], log: () => {} });
      const served = await relayNode.serveRelay(app, { port: 0, host: '127.0.0.1', log: () => {} });
      try {
        const session = await relay.createSession({
          provider, tokenKey,
          request: { type: 'EFT', direction: 'DEBIT', referenceId: 'order-1', amount: 12.5, payor: { firstName: 'Ada', lastName: 'Lovelace' } },
        });
        const hostedFlow = await fetch(session.url);
        const cancel = await fetch(served.url + '/bank-pay/cancel', {
          method: 'POST',
          headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example' },
          body: JSON.stringify({ sessionId: session.sessionId, token: session.cancelToken, reason: 'spa-navigation' }),
        });
        console.log(JSON.stringify({
          relayExports: Object.keys(relay).sort(),
          relayNodeExports: Object.keys(relayNode).sort(),
          sandboxExports: Object.keys(sandboxModule).sort(),
          hostedFlow: { status: hostedFlow.status, type: hostedFlow.headers.get('content-type') },
          cancel: { status: cancel.status, body: await cancel.json() },
        }));
      } finally {
        await served.close();
        await sandbox.close();
      }
    `);
    const { relayExports, relayNodeExports, sandboxExports, hostedFlow, cancel } = result as {
      relayExports: string[];
      relayNodeExports: string[];
      sandboxExports: string[];
      hostedFlow: { status: number; type: string };
      cancel: { status: number; body: { outcome: string } };
    };
    for (const name of ['createRelay', 'createSession', 'mintCancelToken', 'verifyCancelToken', 'relayOptionsFromEnv']) {
      assert.ok(relayExports.includes(name), `./relay exports ${name}`);
    }
    for (const name of ['serveRelay', 'getRequestListener']) assert.ok(relayNodeExports.includes(name), `./relay/node exports ${name}`);
    for (const name of ['createSandbox', 'startSandbox']) assert.ok(sandboxExports.includes(name), `./sandbox exports ${name}`);
    assert.equal(hostedFlow.status, 200);
    assert.match(hostedFlow.type, /^text\/html/);
    assert.equal(cancel.status, 200);
    assert.equal(cancel.body.outcome, 'cancelled');
  });

  test('the bin runs from the build, without the repo', async () => {
    const bin = join(nodeModules, '.bin/bank-pay-session');
    const { stdout } = await runOrThrow(bin, ['--help'], { cwd: scratch });
    assert.match(stdout, /Usage: bank-pay-session <command>/);
    assert.match(stdout, /sandbox/);
    assert.match(stdout, /relay/);
  });

  test('a page without a bundler imports . (no side effect) and ./define (registers the tag)', async () => {
    const map = importMap(nodeModules, ['lit', 'lit-html', 'lit-element', '@lit/reactive-element']);
    map.imports['bank-pay-session'] = exportedPath(nodeModules, 'bank-pay-session', '.');
    map.imports['bank-pay-session/define'] = exportedPath(nodeModules, 'bank-pay-session', './define');
    write(
      join(scratch, 'pages/import-map.html'),
      `<!doctype html><title>import map</title>
<script type="importmap">${JSON.stringify(map)}</script>
${pageScript(`${MOUNT_AND_WAIT_READY}
    const entry = await import('bank-pay-session');
    const registeredByIndex = customElements.get('bank-pay-session') !== undefined;
    await import('bank-pay-session/define');
    const element = await mountReady(document.createElement('bank-pay-session'));
    return {
      exports: Object.keys(entry).sort(),
      registeredByIndex,
      registeredClass: customElements.get('bank-pay-session') === entry.BankPaySession,
      state: element.state,
    };`)}`,
    );
    const result = await resultOfPage('/pages/import-map.html');
    assert.equal(result.error, undefined);
    assert.ok((result.exports as string[]).includes('BankPaySession'));
    assert.ok((result.exports as string[]).includes('BpsExitEvent'));
    assert.equal(result.registeredByIndex, false, 'importing "." must not register the tag');
    assert.equal(result.registeredClass, true);
    assert.equal(result.state, 'active');
  });

  test('the standalone file works from one script tag, with nothing else on the page', async () => {
    const standalone = exportedPath(nodeModules, 'bank-pay-session', './standalone');
    assert.doesNotMatch(readFileSync(join(scratch, standalone), 'utf8'), /\bfrom\s*["'][^./]/, 'no bare imports left');
    write(
      join(scratch, 'pages/standalone.html'),
      `<!doctype html><title>standalone</title>
<script type="module" src="${standalone}"></script>
${pageScript(`${MOUNT_AND_WAIT_READY}
    await customElements.whenDefined('bank-pay-session');
    const element = await mountReady(document.createElement('bank-pay-session'));
    return { state: element.state, frame: element.shadowRoot.querySelector('iframe[part~="frame"]') !== null };`)}`,
    );
    const result = await resultOfPage('/pages/standalone.html');
    assert.deepEqual(result, { state: 'active', frame: true });
  });

  test('through a bundler (Vite): ./react and ./vue render the element, ./define survives tree-shaking', async () => {
    const app = join(scratch, 'app');
    write(join(app, 'react-vue.html'), '<!doctype html><title>react and vue</title><div id="react"></div><div id="vue"></div><script type="module" src="./react-vue.js"></script>');
    write(
      join(app, 'react-vue.js'),
      `import { createElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { createApp, h } from 'vue';
import { BankPaySession as ReactBankPaySession } from 'bank-pay-session/react';
import { BankPaySession as VueBankPaySession } from 'bank-pay-session/vue';

const session = () => ({ src: location.origin + '/pages/flow.html', sessionId: crypto.randomUUID() });
const ready = (mount) => new Promise((resolve) => mount((event) => resolve(event.type)));
const readiness = Promise.all([
  ready((onBpsReady) => {
    const root = createRoot(document.getElementById('react'));
    flushSync(() => root.render(createElement(ReactBankPaySession, { ...session(), onBpsReady })));
  }),
  ready((onBpsReady) => createApp({ render: () => h(VueBankPaySession, { ...session(), onBpsReady }) }).mount('#vue')),
]);
readiness.then(
  (events) => (window.result = { events, elements: document.querySelectorAll('bank-pay-session').length }),
  (error) => (window.result = { error: String(error) }),
);`,
    );
    write(join(app, 'define-only.html'), '<!doctype html><title>define only</title><script type="module" src="./define-only.js"></script>');
    write(
      join(app, 'define-only.js'),
      `import 'bank-pay-session/define';
window.result = { defined: customElements.get('bank-pay-session') !== undefined };`,
    );
    await viteBuild(app, { reactVue: 'react-vue.html', defineOnly: 'define-only.html' }, join(scratch, 'app-dist'));
    assert.deepEqual(await resultOfPage('/app-dist/react-vue.html'), { events: ['bps-ready', 'bps-ready'], elements: 2 });
    assert.deepEqual(await resultOfPage('/app-dist/define-only.html'), { defined: true });
  });

  test('./react works with React 18 too (the oldest supported peer)', async () => {
    const consumer = join(scratch, 'react18');
    write(join(consumer, 'package.json'), JSON.stringify({ name: 'react18-checkout', private: true, type: 'module' }));
    await install(consumer, [tarball, 'react@18', 'react-dom@18']);
    write(join(consumer, 'index.html'), '<!doctype html><title>React 18</title><div id="root"></div><script type="module" src="./main.js"></script>');
    write(
      join(consumer, 'main.js'),
      `import { createElement, createRef, version } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { BankPaySession } from 'bank-pay-session/react';

const ref = createRef();
const sessionId = crypto.randomUUID();
new Promise((resolve) => {
  const root = createRoot(document.getElementById('root'));
  const props = { ref, src: location.origin + '/pages/flow.html', sessionId, cancelOn: 'close', onBpsReady: resolve };
  flushSync(() => root.render(createElement(BankPaySession, props)));
}).then(
  (event) => (window.result = {
    react: version.split('.')[0],
    event: event.type,
    refIsElement: ref.current === document.querySelector('bank-pay-session'),
    sessionId: ref.current.sessionId === sessionId,
    cancelOn: ref.current.cancelOn,
  }),
  (error) => (window.result = { error: String(error) }),
);`,
    );
    await viteBuild(consumer, { index: 'index.html' }, join(scratch, 'react18-dist'));
    assert.deepEqual(await resultOfPage('/react18-dist/index.html'), {
      react: '18',
      event: 'bps-ready',
      refIsElement: true,
      sessionId: true,
      cancelOn: 'close',
    });
  });

  test('TypeScript checks a consumer against the shipped declarations (bundler and nodenext resolution)', async () => {
    const consumer = join(scratch, 'types');
    write(
      join(consumer, 'checkout.tsx'),
      `import { BankPaySession as BankPaySessionElement, type ExitReason } from 'bank-pay-session';
import 'bank-pay-session/define';
import { BankPaySession } from 'bank-pay-session/react';
import { BankPaySession as VueBankPaySession, type BankPaySessionInstance } from 'bank-pay-session/vue';
import { createRelay, createSession, mintCancelToken, type RelayOptions } from 'bank-pay-session/relay';
import { getRequestListener, serveRelay } from 'bank-pay-session/relay/node';
import { startSandbox } from 'bank-pay-session/sandbox';
import type { GlobalComponents } from 'vue';

const element: BankPaySessionElement = document.createElement('bank-pay-session');
element.addEventListener('bps-exit', (event) => {
  const reason: ExitReason = event.reason;
  return reason;
});
export const view = (
  <BankPaySession sessionId="id" cancelUrl="/bank-pay/cancel" onBpsExit={(event) => event.reason} />
);
export const bareTag = <bank-pay-session session-id="id" cancel-url="/bank-pay/cancel" />;
export const vueComponent: GlobalComponents['BankPaySession'] = VueBankPaySession;
export let instance: BankPaySessionInstance | undefined;
export const options: Partial<RelayOptions> = { allowedOrigins: ['https://shop.example'] };
export const helpers = [createRelay, createSession, mintCancelToken, serveRelay, startSandbox];
type NodeListener = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => unknown;
export const toNodeListener = (relay: ReturnType<typeof createRelay>): NodeListener => getRequestListener(relay.fetch);

// @ts-expect-error: the session id is a string
export const wrongProp = <BankPaySession sessionId={42} />;
// @ts-expect-error: bps-ready carries no exit reason
element.addEventListener('bps-ready', (event) => event.reason);
`,
    );
    const compilerOptions = {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      jsx: 'react-jsx',
      target: 'ES2022',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      types: ['node'],
    };
    for (const [module, moduleResolution] of [
      ['ESNext', 'bundler'],
      ['NodeNext', 'NodeNext'],
    ] as const) {
      write(join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...compilerOptions, module, moduleResolution }, files: ['checkout.tsx'] }));
      const result = await run(process.execPath, [tsc, '-p', consumer], { cwd: scratch });
      assert.equal(result.code, 0, `tsc (${moduleResolution}) failed:\n${result.stdout}${result.stderr}`);
    }
  });
});
