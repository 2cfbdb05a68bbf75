/**
 * The charts beside RESULTS.md, drawn from results.json with Vega-Lite (compiled to Vega and
 * rendered to SVG headless, in Node: no browser, no canvas, nothing fetched). Each chart is a
 * spec built from the results; the SVG files are committed with the figures they show.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { ABANDONMENT_KINDS, KINDS } from '../delivery/kinds.js';
import type { BenchResults } from './results.js';

const FONT = { font: 'Helvetica, Arial, sans-serif', labelFont: 'Helvetica, Arial, sans-serif', titleFont: 'Helvetica, Arial, sans-serif' };
const CONFIG = { ...FONT, view: { stroke: null }, axis: { ...FONT, grid: true, gridOpacity: 0.4 }, legend: { ...FONT, orient: 'bottom' as const, labelLimit: 320 }, background: 'white' };

async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function cancelLatencySpec(results: BenchResults): TopLevelSpec | undefined {
  const { delivery, baselines } = results;
  if (!delivery || !baselines) return undefined;
  const variants = [
    ['<bank-pay-session>', delivery],
    ['naive fetch in beforeunload', baselines.naiveFetch],
    ['naive beacon in unload', baselines.naiveBeacon],
  ] as const;
  const values = ABANDONMENT_KINDS.flatMap((kind) =>
    variants.map(([variant, figures]) => {
      const f = figures[kind];
      const delivered = f && f.trials > 0 && f.delivered > 0;
      const rate = f && f.trials > 0 ? `${Math.round(f.rate * 100)}%` : 'no hook';
      // Only what is not delivered every time gets a label: full bars speak for themselves.
      return { kind: KINDS[kind].label, variant, p50: delivered ? f.p50Ms : null, p95: delivered ? f.p95Ms : null, note: rate === '100%' ? '' : rate };
    }),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Cancel latency per way of leaving (Chromium, loopback)', subtitle: 'bar: p50; tick: p95; every bar delivered 100% unless labelled (0%: never delivered; no hook: nothing to send from)' },
    data: { values },
    facet: { column: { field: 'kind', type: 'nominal', title: null, sort: ABANDONMENT_KINDS.map((kind) => KINDS[kind].label), header: { labelAngle: 0, labelFontSize: 9, labelLimit: 0 } } },
    spec: {
      width: 150,
      height: 220,
      layer: [
        { mark: { type: 'bar' }, encoding: { x: { field: 'variant', type: 'nominal', axis: null, sort: variants.map(([v]) => v) }, y: { field: 'p50', type: 'quantitative', title: 'ms after the action' }, color: { field: 'variant', type: 'nominal', title: null, sort: variants.map(([v]) => v) } } },
        { mark: { type: 'tick', color: 'black', thickness: 2 }, encoding: { x: { field: 'variant', type: 'nominal', sort: variants.map(([v]) => v) }, y: { field: 'p95', type: 'quantitative' } } },
        { mark: { type: 'text', fontSize: 9, angle: 270, align: 'left', dx: 4 }, encoding: { x: { field: 'variant', type: 'nominal', sort: variants.map(([v]) => v) }, y: { value: 220 }, text: { field: 'note' } } },
      ],
    },
    config: CONFIG,
  } as TopLevelSpec;
}

function relaySpec(results: BenchResults): TopLevelSpec | undefined {
  const relay = results.relay;
  if (!relay?.paths) return undefined;
  const labels = { relay: 'relay', proxy: 'bare proxy', direct: 'sandbox direct' } as const;
  const order = ['relay', 'proxy', 'direct'] as const;
  const values = order.map((path) => ({
    path: labels[path],
    perSecond: Math.round(relay.paths[path].perSecond.p50),
    low: Math.round(relay.paths[path].perSecond.min),
    high: Math.round(relay.paths[path].perSecond.max),
    p50: Math.round(relay.paths[path].latencyP50Us.p50),
    p99: Math.round(relay.paths[path].latencyP99Us.p50),
  }));
  const x = { field: 'path', type: 'nominal', title: null, sort: order.map((p) => labels[p]), axis: { labelAngle: 0 } } as const;
  const color = { field: 'path', type: 'nominal', legend: null, sort: order.map((p) => labels[p]) } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Cancels through the relay, a bare forwarding proxy, and straight to the sandbox', subtitle: `autocannon, ${results.settings.relay.connections} connections; medians of ${results.settings.relay.rounds} rounds` },
    data: { values },
    hconcat: [
      {
        width: 220,
        height: 220,
        layer: [
          { mark: 'bar', encoding: { x, y: { field: 'perSecond', type: 'quantitative', title: 'cancels per second (bar: median, line: spread)' }, color } },
          { mark: { type: 'rule', color: 'black' }, encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } } },
          { mark: { type: 'text', dy: -8, fontSize: 10 }, encoding: { x, y: { field: 'perSecond', type: 'quantitative' }, text: { field: 'perSecond' } } },
        ],
      },
      {
        width: 220,
        height: 220,
        layer: [
          { mark: 'bar', encoding: { x, y: { field: 'p50', type: 'quantitative', title: 'latency µs (bar: p50, tick: p99)' }, color } },
          { mark: { type: 'tick', color: 'black', thickness: 2 }, encoding: { x, y: { field: 'p99', type: 'quantitative' } } },
          { mark: { type: 'text', dy: -8, fontSize: 10 }, encoding: { x, y: { field: 'p50', type: 'quantitative' }, text: { field: 'p50' } } },
        ],
      },
    ],
    config: CONFIG,
  } as TopLevelSpec;
}

function reliabilitySpec(results: BenchResults): TopLevelSpec | undefined {
  const rows = results.reliability?.rows;
  if (!rows?.length) return undefined;
  const outcomes = ['Cancelled', 'reported failed', 'traced, unfinished', 'lost silently'] as const;
  const values = rows.flatMap((row, index) => {
    const label = `${index + 1}. ${row.short ?? row.fault}`;
    const counts = [row.cancelled, row.reportedFailed, row.tracedUnfinished, row.lostSilently];
    return outcomes.map((outcome, i) => ({ fault: label, order: index, outcome, count: counts[i], rank: i }));
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'The fault matrix: what became of each legitimate cancel', subtitle: `${rows[0]!.cancels} cancels per fault, judged from the sandbox and the relay's audit log` },
    data: { values },
    width: 320,
    height: { step: 22 },
    mark: 'bar',
    encoding: {
      y: { field: 'fault', type: 'nominal', title: null, sort: { field: 'order' }, axis: { labelLimit: 420 } },
      x: { field: 'count', type: 'quantitative', title: 'cancels', stack: 'zero' },
      color: { field: 'outcome', type: 'nominal', title: null, sort: [...outcomes], legend: { orient: 'bottom', columns: 2 }, scale: { domain: [...outcomes], range: ['#4c9a2a', '#e0a526', '#8c8c8c', '#c0392b'] } },
      order: { field: 'rank' },
    },
    config: CONFIG,
  } as TopLevelSpec;
}

/** Draws every chart the results have data for into `dir`; returns their paths relative to bench/. */
export async function drawCharts(results: BenchResults, dir: string): Promise<Record<string, string>> {
  mkdirSync(dir, { recursive: true });
  const specs: Record<string, TopLevelSpec | undefined> = {
    cancelLatency: cancelLatencySpec(results),
    relayThroughput: relaySpec(results),
    reliability: reliabilitySpec(results),
  };
  const files: Record<string, string> = { cancelLatency: 'cancel-latency.svg', relayThroughput: 'relay-throughput.svg', reliability: 'reliability.svg' };
  const drawn: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (!spec) continue;
    writeFileSync(join(dir, files[name]!), `${await renderSvg(spec)}\n`);
    drawn[name] = `charts/${files[name]}`;
  }
  return drawn;
}
