#!/usr/bin/env node
// Runs every test suite of the project in turn and ends with one line
// `N passed, N failed, N skipped` summing them all. Exit code 1 when anything failed.
//
//   npm test                  every suite
//   npm test -- relay e2e     only the named suites
//   BPS_ENGINES=firefox npm test -- browser engines    only some browser engines (chromium,firefox,webkit)
//   BPS_RUNTIMES=bun,node24 npm test -- runtimes         only some runtimes (see test/runtimes/runtimes.mjs)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allEnginesRequired, engineStatus, requestedEngines } from '../test/support/engines.mjs';
import { ensureRuntime, OTHER_NODES, runtimeRequested } from '../test/runtimes/runtimes.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'test-results');
mkdirSync(outDir, { recursive: true });

/** Test files under `dir`, leaving out the folders and files in `exclude` (which other suites run). */
function testFiles(dir, exclude = []) {
  const abs = join(root, dir);
  if (!existsSync(abs) || exclude.includes(dir)) return [];
  const found = [];
  for (const name of readdirSync(abs).sort()) {
    const path = join(abs, name);
    if (statSync(path).isDirectory()) found.push(...testFiles(join(dir, name), exclude));
    else if (/\.test\.(ts|mjs|js)$/.test(name) && !exclude.includes(join(dir, name))) found.push(relative(root, path));
  }
  return found;
}

function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/**
 * Node's test runner: spec to the terminal (or to `specFile`), TAP to a file whose totals we
 * read. With `node`, another Node binary runs it, first on PATH so that npm and every script it
 * starts use it too.
 */
async function nodeSuite(name, dirs, { concurrency = 1, timeoutMs = 120_000, exclude = [], node = process.execPath, specFile } = {}) {
  const files = dirs.flatMap((dir) => testFiles(dir, exclude));
  if (files.length === 0) return { name, passed: 0, failed: 0, skipped: 0, note: 'no test files' };
  const tap = join(outDir, `${name}.tap`);
  rmSync(tap, { force: true });
  const env = node === process.execPath ? {} : { PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` };
  const code = await run(node, [
    '--import', 'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    `--test-timeout=${timeoutMs}`,
    '--test-reporter=spec', `--test-reporter-destination=${specFile ?? 'stdout'}`,
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...files,
  ], env);
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const total = (label) => [...text.matchAll(new RegExp(`^# ${label} (\\d+)$`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);
  const result = { name, passed: total('pass'), failed: total('fail'), skipped: total('skipped') + total('todo') };
  if (code !== 0 && result.failed === 0) result.failed = 1; // the runner itself failed
  // No totals at all (say, another run in this tree removed the file): never a silent pass.
  if (!/^# tests \d+$/m.test(text)) Object.assign(result, { failed: Math.max(result.failed, 1), note: `no results in ${relative(root, tap)}` });
  return result;
}

async function browserSuite(name) {
  // web-test-runner refuses to start without a browser: with no engine here at all, say which
  // packages are missing and count each engine as skipped (under CI, a missing one fails).
  const statuses = requestedEngines().map(engineStatus);
  if (!allEnginesRequired() && statuses.every((status) => !status.available)) {
    for (const { message } of statuses) console.warn(`\nSkipped. ${message}`);
    return { name, passed: 0, failed: 0, skipped: statuses.length, note: 'no browser engine on this machine' };
  }
  const summary = join(outDir, `${name}.json`);
  rmSync(summary, { force: true });
  const code = await run(process.execPath, [join(root, 'node_modules/@web/test-runner/dist/bin.js'), '--config', 'web-test-runner.config.mjs'], {
    BPS_WTR_SUMMARY: summary,
  });
  const { engines = {}, missing = [], sessionErrors = 0, ...counts } = existsSync(summary)
    ? JSON.parse(readFileSync(summary, 'utf8'))
    : { passed: 0, failed: 0, skipped: 0 };
  const result = { name, ...counts };
  result.failed += sessionErrors;
  if (code !== 0 && result.failed === 0) result.failed = 1;
  const perEngine = Object.entries(engines).map(([label, c]) => `${label} ${c.passed}/${c.failed + c.sessionErrors}/${c.skipped}`);
  if (perEngine.length > 0) result.note = `passed/failed/skipped: ${perEngine.join(', ')}`;
  for (const message of missing) console.warn(`\nSkipped. ${message}`);
  return result;
}

async function typecheck() {
  const code = await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.']);
  return { name: 'typecheck', passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0 };
}

/**
 * The relay on every runtime (test/runtimes), then the server and package suites again on each
 * other Node version of the supported range, with the binaries that suite installs. The relay
 * and sandbox suites of all versions run side by side (loopback HTTP and timers, little
 * computing), without the sandbox's hosted-page cases in Chromium: those test the page's
 * script in the browser, not Node, and their timing-bound cases miss on a crowded machine. The
 * package suites run one version after another, since each builds into dist/.
 */
async function runtimesSuite() {
  const seconds = (started) => Math.round((Date.now() - started) / 100) / 10;
  let started = Date.now();
  const results = [{ ...(await nodeSuite('runtimes', ['test/runtimes'], { timeoutMs: 600_000 })), seconds: seconds(started) }];

  const nodes = [];
  for (const name of OTHER_NODES.filter(runtimeRequested)) {
    try {
      nodes.push({ name, label: `runtimes-${name}`, runtime: await ensureRuntime(name) });
    } catch (error) {
      console.error(`\nruntimes-${name}: ${error instanceof Error ? error.message : error}`);
      results.push({ name: `runtimes-${name}`, passed: 0, failed: 1, skipped: 0, seconds: 0, note: `${name} could not be installed, see above` });
    }
  }
  if (nodes.length === 0) return results;

  started = Date.now();
  console.log(`\n=== relay and sandbox on ${nodes.map(({ runtime }) => `Node ${runtime.version}`).join(', ')}, side by side ===`);
  const serverResults = await Promise.all(
    nodes.map(async ({ label, runtime }) => {
      const specFile = join(outDir, `${label}-servers.txt`);
      const result = await nodeSuite(`${label}-servers`, ['test/relay', 'test/sandbox'], {
        node: runtime.bin,
        specFile,
        exclude: ['test/sandbox/hosted-browser.test.ts'],
      });
      console.log(`Node ${runtime.version}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped (${relative(root, specFile)})`);
      // A failure's details, which the terminal did not show.
      if (result.failed > 0 && existsSync(specFile)) console.log(readFileSync(specFile, 'utf8'));
      return result;
    }),
  );
  const serverSeconds = seconds(started);

  for (const [index, { label, runtime }] of nodes.entries()) {
    console.log(`\n=== package on Node ${runtime.version} ===`);
    started = Date.now();
    const packaged = await nodeSuite(`${label}-package`, ['test/package'], { node: runtime.bin, timeoutMs: 300_000 });
    const servers = serverResults[index];
    const counts = (r) => `${r.passed}/${r.failed}/${r.skipped}`;
    results.push({
      name: label,
      passed: servers.passed + packaged.passed,
      failed: servers.failed + packaged.failed,
      skipped: servers.skipped + packaged.skipped,
      // The side-by-side part counts once, on the first row, so that the column adds up.
      seconds: Math.round((seconds(started) + (index === 0 ? serverSeconds : 0)) * 10) / 10,
      note: [`Node ${runtime.version}: relay+sandbox ${counts(servers)} in ${serverSeconds} s beside the others, package ${counts(packaged)}`, servers.note, packaged.note]
        .filter(Boolean)
        .join('; '),
    });
  }
  return results;
}

const suites = {
  typecheck,
  unit: () => nodeSuite('unit', ['test/protocol', 'test/unit', 'bench/lib'], { concurrency: 2 }),
  // README.md and docs/**: relative links and anchors resolve; code blocks marked runnable run.
  docs: () => nodeSuite('docs', ['test/docs']),
  sandbox: () => nodeSuite('sandbox', ['test/sandbox']),
  relay: () => nodeSuite('relay', ['test/relay']),
  browser: () => browserSuite('browser'),
  package: () => nodeSuite('package', ['test/package'], { timeoutMs: 300_000 }),
  // examples/ run end to end on the packed package (one with a strict pnpm), and the element under a strict CSP.
  examples: () => nodeSuite('examples', ['test/examples'], { timeoutMs: 300_000 }),
  e2e: () => nodeSuite('e2e', ['test/e2e'], { timeoutMs: 300_000, exclude: ['test/e2e/engines'] }),
  // The same end-to-end cases in Firefox ESR and WebKitGTK (one file per engine).
  engines: () => nodeSuite('engines', ['test/e2e/engines'], { timeoutMs: 300_000 }),
  // The wrappers rendered on a server and hydrated in Chromium, and examples/nextjs built and
  // served by Next.js (its install is cached in .cache/frameworks).
  frameworks: () => nodeSuite('frameworks', ['test/frameworks'], { timeoutMs: 600_000 }),
  // The relay on Node 22/24/26, Bun, Deno and workerd (examples/workers), and the server and
  // package suites on each other Node of the supported range (runtimes cached in .cache/runtimes).
  runtimes: runtimesSuite,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in suites));
if (unknown.length > 0) {
  console.error(`Unknown suite(s): ${unknown.join(', ')}. Suites: ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}

const results = [];
for (const [name, runSuite] of Object.entries(suites)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  // A suite answers one row, or several (runtimes: one per Node version), each with its own time.
  for (const result of [await runSuite()].flat()) {
    result.seconds ??= Math.round((Date.now() - started) / 100) / 10;
    results.push(result);
  }
}

const width = Math.max(11, ...results.map((r) => r.name.length));
console.log(`\n${'Suite'.padEnd(width)} passed  failed  skipped  seconds`);
for (const r of results) {
  console.log(`${r.name.padEnd(width)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}  ${String(r.seconds).padStart(7)}${r.note ? `  (${r.note})` : ''}`);
}
const sum = (key) => results.reduce((total, r) => total + r[key], 0);
console.log(`${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped`);
process.exit(sum('failed') > 0 ? 1 : 0);
