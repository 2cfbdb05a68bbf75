/**
 * `npm run bench`: size, first paint, cancel delivery and latency, relay load, each against
 * its baseline in the same run. Writes bench/results.json and bench/RESULTS.md; exits 1 when
 * a size budget is exceeded or a section fails.
 *
 *   npm run bench                        everything, committed figures
 *   npm run bench -- size relay          only the named sections (size, first-paint, delivery, engines, relay, reliability, lease)
 *   npm run bench -- --quick             a smoke run with tiny counts
 *   npm run bench -- relay reliability --merge
 *                                        re-runs the named sections and merges them into the
 *                                        committed results (each merged section says when and
 *                                        from which commit it was run)
 *
 * A partial or quick run writes to bench/out/ instead, so it never replaces a full run's figures.
 * Charts (SVG, charts.ts) are drawn beside the Markdown they belong to.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { measureDelivery } from './delivery/delivery.js';
import { measureEngines } from './engines/engines.js';
import { startBenchStack, type BenchStack } from './stack/stack.js';
import { measureFirstPaint } from './first-paint/first-paint.js';
import { launchBenchChromium } from './stack/browser.js';
import { currentLoadAverage, gitInfo, machineInfo, packageVersions } from './lib/machine.js';
import { drawCharts } from './lib/charts.js';
import { renderReport } from './lib/report.js';
import { budgetsFailed, evaluateTargets, type BenchResults } from './lib/results.js';
import { measureLeaseCost } from './lease-cost/lease-cost.js';
import { measureRelay } from './relay-load/relay-load.js';
import { measureReliability } from './relay-load/reliability.js';
import { benchSettings } from './settings.js';
import { buildPages } from './pages/build.js';
import { measureSize } from './size/size.js';

const SECTIONS = ['size', 'first-paint', 'delivery', 'engines', 'relay', 'reliability', 'lease'] as const;
/** Sections `--merge` can put into the committed results (the ones that need no browser). */
const MERGEABLE: ReadonlySet<Section> = new Set(['size', 'relay', 'reliability']);
type Section = (typeof SECTIONS)[number];

const root = fileURLToPath(new URL('..', import.meta.url));
const log = (line: string) => console.log(line);

function parseArguments(argv: readonly string[]): { sections: Section[]; quick: boolean; merge: boolean } {
  const quick = argv.includes('--quick');
  const merge = argv.includes('--merge');
  const named = argv.filter((arg) => !arg.startsWith('--'));
  const unknown = named.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    console.error(`Unknown section ${unknown.join(', ')}: choose from ${SECTIONS.join(', ')}.`);
    process.exit(2);
  }
  const sections = named.length > 0 ? (named as Section[]) : [...SECTIONS];
  if (merge && (quick || sections.some((section) => !MERGEABLE.has(section)))) {
    console.error(`--merge takes full runs of ${[...MERGEABLE].join(', ')} only.`);
    process.exit(2);
  }
  return { sections, quick, merge };
}

async function withBrowserStack<T>(perIpLimit: number, leaseMs: number, use: (browser: Browser, stack: BenchStack) => Promise<T>): Promise<T> {
  const stack = await startBenchStack(perIpLimit, leaseMs);
  try {
    const browser = await launchBenchChromium();
    try {
      return await use(browser, stack);
    } finally {
      await browser.close();
    }
  } finally {
    await stack.close();
  }
}

async function main(): Promise<number> {
  const { sections, quick, merge } = parseArguments(process.argv.slice(2));
  const settings = benchSettings(process.env, quick);
  const full = !quick && sections.length === SECTIONS.length;
  const startedAt = Date.now();
  const machine = machineInfo();
  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    durationSeconds: 0,
    machine,
    versions: packageVersions(root),
    git: gitInfo(root),
    settings,
    failures: {},
  };
  log(`bench: ${sections.join(', ')}${quick ? ' (quick)' : ''} on ${machine.cores} × ${machine.cpuModel}, load ${machine.loadAverageStart}`);

  const run = async (section: Section, body: () => Promise<void>) => {
    if (!sections.includes(section)) return;
    const sectionStart = Date.now();
    log(`\n${section}`);
    try {
      await body();
    } catch (error) {
      results.failures[section] = error instanceof Error ? error.message : String(error);
      log(`  FAILED: ${results.failures[section]}`);
    }
    log(`  (${Math.round((Date.now() - sectionStart) / 1000)} s)`);
  };

  await run('size', async () => {
    const size = await measureSize(root, log);
    results.size = {
      elementGzip: size.bundles.element.gzip,
      standaloneGzip: size.bundles.standalone.gzip,
      litGzip: size.bundles.lit.gzip,
      bundles: size.bundles,
      budgets: size.budgets,
    };
  });

  const browserSections: readonly Section[] = ['first-paint', 'delivery', 'engines', 'lease'];
  // The pages load the element's built standalone file and a bundled script: build both from the current sources.
  if (sections.some((section) => browserSections.includes(section))) await buildPages(root);
  if (sections.includes('first-paint') || sections.includes('delivery') || sections.includes('engines')) {
    await withBrowserStack(settings.browserRelayPerIpLimit, settings.browserLeaseMs, async (browser, stack) => {
      (results as { chromium?: string }).chromium = browser.version();
      await run('first-paint', async () => {
        results.firstPaint = await measureFirstPaint(browser, stack, settings.firstPaint, log);
      });
      await run('delivery', async () => {
        const delivery = await measureDelivery(browser, stack, settings.delivery, log);
        results.delivery = delivery.delivery;
        results.baselines = delivery.baselines;
        results.falseCancels = delivery.falseCancels;
        results.nonAbandonment = delivery.nonAbandonment;
        results.trialErrors = delivery.trialErrors;
      });
      await run('engines', async () => {
        results.engines = await measureEngines(stack, settings.engines, log);
      });
    }).catch((error: unknown) => {
      results.failures.browser = error instanceof Error ? error.message : String(error);
      log(`browser stack FAILED: ${results.failures.browser}`);
    });
  }

  await run('relay', async () => {
    results.relay = await measureRelay(root, settings.relay, log);
  });
  await run('reliability', async () => {
    results.reliability = await measureReliability(root, settings.reliability!, log);
  });

  await run('lease', async () => {
    const browser = await launchBenchChromium();
    try {
      // A stack of its own at the relay's default lease: the heartbeat count is the shipped one.
      results.leaseCost = await measureLeaseCost(root, browser, () => startBenchStack(settings.browserRelayPerIpLimit), settings.leaseCost, log);
    } finally {
      await browser.close();
    }
  });

  results.durationSeconds = Math.round((Date.now() - startedAt) / 1000);
  machine.loadAverageEnd = currentLoadAverage();

  const committed = join(root, 'bench/results.json');
  const merged = merge && existsSync(committed) ? mergeInto(JSON.parse(readFileSync(committed, 'utf8')) as BenchResults, results, sections) : undefined;
  const final = merged ?? results;
  final.targets = evaluateTargets(final);

  const outDir = full || merged ? join(root, 'bench') : join(root, 'bench/out');
  mkdirSync(outDir, { recursive: true });
  final.charts = await drawCharts(final, join(outDir, 'charts'));
  const [jsonName, mdName] = full || merged ? ['results.json', 'RESULTS.md'] : ['results.partial.json', 'RESULTS.partial.md'];
  writeFileSync(join(outDir, jsonName), `${JSON.stringify(final, null, 2)}\n`);
  writeFileSync(join(outDir, mdName), renderReport(final));

  log('\ntargets');
  for (const check of final.targets) log(`  ${check.met ? 'met   ' : 'MISSED'} ${check.target}: ${check.detail}`);
  log(`\nwrote ${join(outDir, jsonName)} and ${mdName} in ${results.durationSeconds} s`);

  if (budgetsFailed(results)) {
    console.error('A size budget is exceeded.');
    return 1;
  }
  return Object.keys(results.failures).length > 0 ? 1 : 0;
}

/**
 * The committed results with the named sections replaced by this run's, each noted with
 * when, how and from which commit it was measured (the rest keep their own provenance).
 */
function mergeInto(base: BenchResults, fresh: BenchResults, sections: readonly Section[]): BenchResults {
  const merged: BenchResults = { ...base, settings: { ...base.settings }, failures: { ...base.failures }, sectionRuns: { ...base.sectionRuns } };
  const note = { generatedAt: fresh.generatedAt, command: fresh.command, commit: fresh.git.commit, loadAverage: `${fresh.machine.loadAverageStart} → ${fresh.machine.loadAverageEnd ?? '?'}` };
  for (const section of sections) {
    delete merged.failures[section];
    if (fresh.failures[section]) merged.failures[section] = fresh.failures[section]!;
    if (section === 'size' && fresh.size) merged.size = fresh.size;
    if (section === 'relay' && fresh.relay) Object.assign(merged, { relay: fresh.relay, settings: { ...merged.settings, relay: fresh.settings.relay } });
    if (section === 'reliability' && fresh.reliability) Object.assign(merged, { reliability: fresh.reliability, settings: { ...merged.settings, reliability: fresh.settings.reliability } });
    merged.sectionRuns![section] = note;
  }
  return merged;
}

process.exitCode = await main();
