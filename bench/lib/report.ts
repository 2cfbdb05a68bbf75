/** Renders results.json as bench/RESULTS.md. Pure: results in, Markdown out. */
import type { EngineWayFigures } from '../engines/engines.js';
import { ENGINE_WAY_SPECS, type EngineWay } from '../engines/ways.js';
import { KINDS, ABANDONMENT_KINDS, type AbandonmentKind } from '../delivery/kinds.js';
import type { KindFigures } from '../delivery/delivery.js';
import { QUIET_CASE_LABELS, QUIET_CASES } from '../delivery/non-abandonment.js';
import { VARIANT_INFO } from '../delivery/variants.js';
import type { BenchResults } from './results.js';
import type { Summary } from './stats.js';

const percent = (rate: number) => `${Math.round(rate * 1000) / 10}%`;
const ms = (value: number | null | undefined) => (value === null || value === undefined ? '–' : `${value}`);
const spread = (summary: Summary | null | undefined) => (summary ? `${summary.min}–${summary.max}` : '–');
const bytes = (value: number) => value.toLocaleString('en-US');

const PATH_LABELS = { relay: 'browser → relay → sandbox', proxy: 'browser → bare proxy → sandbox', direct: 'straight to the sandbox' } as const;

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

function deliveryCell(figures: KindFigures | undefined): string[] {
  if (!figures) return ['–', '–', '–'];
  if (figures.trials === 0) return ['0% (not run¹)', '–', '–'];
  return [`${percent(figures.rate)} (${figures.delivered}/${figures.trials})`, ms(figures.p50Ms), ms(figures.p95Ms)];
}

function sizeSection(results: BenchResults): string {
  const size = results.size!;
  const rows = Object.values(size.bundles).map((bundle) => [bundle.label, bytes(bundle.minified), bytes(bundle.gzip), bytes(bundle.brotli)]);
  const budgets = size.budgets.map((budget) => `${budget.bundle} ${bytes(budget.gzip)} / ${bytes(budget.budget)} B gzip: ${budget.ok ? 'within' : '**over**'}`);
  return [
    '## 1. Size',
    '',
    'Minified ES modules built from the sources with the package\'s own bundler (Vite / rolldown), in memory; gzip level 9, brotli quality 11. Bytes. Sizes are deterministic: one build is the figure.',
    '',
    table(['bundle', 'minified', 'gzip', 'brotli'], rows),
    '',
    `Budgets (1 KB = 1024 B): ${budgets.join('; ')}.`,
  ].join('\n');
}

/** What sent the cancels that counted, e.g. `page-gone 29, lease 1`. */
function causesCell(figures: KindFigures | undefined): string {
  return figures?.causes ? Object.entries(figures.causes).map(([cause, count]) => `${cause} ${count}`).join(', ') : '–';
}

function deliverySection(results: BenchResults): string {
  const delivery = results.delivery!;
  const baselines = results.baselines!;
  const kinds = ABANDONMENT_KINDS.filter((kind) => delivery[kind]);
  const row = (kind: AbandonmentKind) => [
    KINDS[kind].label,
    ...deliveryCell(delivery[kind]),
    ...deliveryCell(baselines.naiveFetch[kind]),
    ...deliveryCell(baselines.naiveBeacon[kind]),
  ];
  const header = ['kind', 'element', 'p50 ms', 'p95 ms', 'naive fetch', 'p50 ms', 'p95 ms', 'naive beacon', 'p50 ms', 'p95 ms'];
  const spoken = kinds.filter((kind) => !KINDS[kind].silent);
  const silent = kinds.filter((kind) => KINDS[kind].silent);
  const notes = kinds.flatMap((kind) => (KINDS[kind].noNaiveHandler ? [`¹ ${KINDS[kind].label}: ${KINDS[kind].noNaiveHandler}. Recorded as 0%, not run.`] : []));
  const quiet = results.nonAbandonment ?? {};
  const quietRows = Object.entries(quiet).flatMap(([variant, cases]) =>
    QUIET_CASES.map((quietCase) => [variant, QUIET_CASE_LABELS[quietCase], `${cases[quietCase].cancelCalls}`, `${cases[quietCase].trials}`]),
  );
  const duplicates = kinds.reduce((sum, kind) => sum + delivery[kind]!.duplicates, 0);
  const cached = (figures: KindFigures | undefined) => `${figures?.enteredBfcache ?? 0}/${figures?.trials ?? 0}`;
  const bfcacheLine = delivery.bfcache
    ? `Pages that really entered the back/forward cache in the bfcache trials (pagehide.persisted): element ${cached(delivery.bfcache)}, naive fetch ${cached(baselines.naiveFetch.bfcache)}, naive beacon ${cached(baselines.naiveBeacon.bfcache)}. Chromium never caches a page with an unload handler, so the naive beacon page is unloaded instead.`
    : '';
  const { trials } = results.settings.delivery;
  const leaseMs = results.settings.browserLeaseMs;
  const silentPart = silent.length
    ? [
        '',
        `### Pages that die without a word`,
        '',
        `Nothing of the page runs afterwards, so no event can send anything: only the browser's deferred cancel (\`fetchLater\`, armed by the element while the session is live and the tab visible) or the relay's lease can end the session. The relay here runs with a ${leaseMs / 1000} s lease (heartbeats every ${leaseMs / 4000} s), so the latencies show the mechanism: a few hundred milliseconds by \`fetchLater\`, about a lease by the lease (at the default one-minute lease, about a minute). The element's page dies once its first heartbeat was answered (the relay holds its lease); a page that dies sooner is cleaned up by the start allowance (5 min). Judged ${results.settings.delivery.silentSettleMs / 1000} s after the last trial. **By**: what sent the element's cancels, from the relay's audit lines (\`page-gone\`: the deferred cancel; \`lease\`: the relay's sweeper; \`page-unload\`: the page's own beacon).`,
        '',
        table([...header, 'element: by'], silent.map((kind) => [...row(kind), causesCell(delivery[kind])])),
      ]
    : [];
  return [
    '## 2. Cancel delivery and latency',
    '',
    `${trials} trials per kind and variant in Chromium ${results.chromium ?? ''}, a fresh browser context each, against the real relay and sandbox on loopback, the variants interleaved. **Delivered**: the session reached Cancelled at the sandbox within ${results.settings.delivery.silentSettleMs / 1000} s of the action (the relay's own clean-up of sessions whose page never signalled, the naive pages' among them, comes minutes later and does not count). **Latency**: the sandbox's recorded time of the cancel call minus \`Date.now()\` taken in Node just before the abandoning action (same clock). Where the page stays open (close button, SPA removal) only a cancel recorded before the trial closed its context counts.`,
    '',
    'Variants: ' + Object.entries(VARIANT_INFO).map(([name, info]) => `**${name}**: ${info.description}`).join('; ') + '. All three pages create the session the same way (POST /merchant/sessions) and send the same body to the same relay.',
    '',
    ...(spoken.length ? [table(header, spoken.map(row)), ''] : []),
    ...notes,
    ...(bfcacheLine ? ['', bfcacheLine] : []),
    ...silentPart,
    '',
    ...(results.charts?.cancelLatency ? [`![Cancel latency per way of leaving, the element against the naive baselines](${results.charts.cancelLatency})`, ''] : []),
    `Element sessions that got more than one cancel call: ${duplicates}.`,
    '',
    `### Never cancels (falseCancels = ${results.falseCancels})`,
    '',
    table(['variant', 'case', 'cancel calls', 'trials'], quietRows),
    ...(results.trialErrors?.length ? ['', `Trial errors (${results.trialErrors.length}): ${results.trialErrors.slice(0, 10).join('; ')}`] : []),
  ].join('\n');
}

function relaySection(results: BenchResults): string {
  const relay = results.relay!;
  const settings = results.settings.relay;
  const floodRows = relay.flood.map((round) => [
    bytes(round.requests),
    bytes(round.accepted),
    bytes(round.rejected429),
    `${round.lost}`,
    `${round.idleRssMb}`,
    `${round.peakRssMb}`,
    `${(round.burstMs / 1000).toFixed(1)}`,
  ]);
  return [
    '## 3. Relay under load',
    '',
    `autocannon, ${settings.connections} connections, ${settings.rounds} rounds of ${bytes(settings.requestsPerRound)} cancels for each path (after ${bytes(settings.warmupRequests)} warm-up each), every cancel for a fresh sandbox session, the order of the paths rotating from round to round. Relay, bare proxy and sandbox each in their own process, bundled and run with plain \`node\`; the relay with its audit log on and rate limits off. **Bare proxy**: a Hono app served the same way that reads the same beacon body and makes the same one provider call (cancel, cached bearer token), with no check, ledger, retry or audit line. Latency from the moment autocannon builds a request to its answer, in microseconds.`,
    '',
    table(
      ['path', 'cancels/s median', 'spread', 'latency p50 µs (median of rounds)', 'latency p99 µs (median)', 'CPU µs per cancel (median)¹'],
      (['relay', 'proxy', 'direct'] as const).map((path) => {
        const figures = relay.paths[path];
        return [
          PATH_LABELS[path],
          `${Math.round(figures.perSecond.p50)}`,
          `${Math.round(figures.perSecond.min)}–${Math.round(figures.perSecond.max)}`,
          `${Math.round(figures.latencyP50Us.p50)}`,
          `${Math.round(figures.latencyP99Us.p50)}`,
          figures.cpuUsPerCancel ? `${Math.round(figures.cpuUsPerCancel.p50)}` : '–',
        ];
      }),
    ),
    '',
    `¹ user + system CPU time of the process that answered (the relay, the proxy; the sandbox for direct) over the round, from /proc, divided by the cancels: what a cancel costs whatever else runs on the machine. Latency and throughput, by contrast, move with the machine's other load (see the load average above).`,
    '',
    `**Relay against the bare proxy** (medians of the per-round ratios): p50 latency **${relay.ratios.latencyP50VsProxy}×** (target ≤ 1.5), throughput **${relay.ratios.throughputVsProxy}** of the proxy's (target ≥ 0.67)${relay.ratios.cpuVsProxy ? `, CPU per cancel ${relay.ratios.cpuVsProxy}×` : ''}. Against the sandbox direct: p50 ${relay.ratios.latencyP50VsDirect}×, throughput ${relay.ratios.throughputVsDirect}.`,
    '',
    ...(results.charts?.relayThroughput ? [`![Relay, bare proxy and direct: cancels per second and p50 latency](${results.charts.relayThroughput})`, ''] : []),
    `**Flood**: cancels from ${settings.flood.clientAddresses} client addresses (x-forwarded-for, the relay behind a proxy) over ${settings.flood.connections} connections, the sandbox answering ${settings.flood.providerLatencyMs} ms late, a fresh relay with its shipped rate limits each time.`,
    '',
    table(['cancels', 'accepted', '429', 'lost', 'relay RSS idle MB', 'relay peak RSS MB (VmHWM)', 'burst s'], floodRows),
    '',
    `Peak RSS over the full floods: **${relay.peakRssMb} MB**; accepted cancels that never reached the sandbox: **${relay.lost}**.`,
  ].join('\n');
}

function reliabilitySection(results: BenchResults): string {
  const { rows, skipped } = results.reliability!;
  const settings = results.settings.reliability;
  const answerCell = (answers: Record<string, number>) =>
    Object.entries(answers)
      .sort()
      .map(([status, count]) => `${count} × ${status === '0' ? 'no answer' : status}`)
      .join(', ');
  return [
    '## 6. Reliability: the fault matrix',
    '',
    `For each fault, ${settings?.cancels ?? rows[0]?.cancels} legitimate cancels (a valid token each, for a live sandbox session) sent as the element's fetch sends them to a real relay process (the bench's relay child: createRelay + serveRelay with its own signal handling, answer window 1 s, audit log written synchronously to a file), then judged from the sandbox's state and the relay's log. **Cancelled**: the sandbox shows the session Cancelled. **Reported failed**: not cancelled, and the relay said so (a 502, or an outcome line \`failed\`: given up after the retry window, or abandoned at shutdown). **Traced, unfinished**: no outcome, but its acceptance line is in the log (the process was killed before the provider answered and nothing took it over). **Lost silently**: none of these.`,
    '',
    table(
      ['fault', 'relay', 'Cancelled', 'reported failed', 'traced, unfinished', 'lost silently', 'first answers', 's'],
      rows.map((row) => [row.label, row.setup, `${row.cancelled}`, `${row.reportedFailed}`, `${row.tracedUnfinished}`, `**${row.lostSilently}**`, answerCell(row.answers), `${row.seconds}`]),
    ),
    '',
    `Lost silently over the matrix: **${results.reliability!.lostSilently}**.${Object.keys(skipped).length ? ` Not run: ${Object.entries(skipped).map(([fault, why]) => `${fault} (${why})`).join('; ')}.` : ''}`,
    '',
    ...(results.charts?.reliability ? [`![The fault matrix: what became of each legitimate cancel](${results.charts.reliability})`] : []),
  ].join('\n');
}

function firstPaintSection(results: BenchResults): string {
  const firstPaint = results.firstPaint!;
  const rows = Object.values(firstPaint.pages).map((page) => [page.label, `${page.ms.p50}`, `${page.ms.p95}`, spread(page.ms), `${page.ratio}`]);
  return [
    '## 4. First paint',
    '',
    `From the page's navigation request to the hosted flow's request (browser request timings), ${firstPaint.runs} runs of each page, interleaved, fresh context each. The element pages load the minified self-contained file. Where the server wrote the frame into the tag, each run checks that the element adopted it: no frame of its own, and the hosted flow requested once. All pages are served as they are (no dev-server rewriting).`,
    '',
    table(['page', 'median ms', 'p95 ms', 'spread ms', 'ratio to the plain iframe (medians)'], rows),
    '',
    `**Ratio** for the advice of docs/element.md: **${firstPaint.ratio}**.`,
  ].join('\n');
}

function wayCell(figures: EngineWayFigures | undefined): string {
  if (!figures) return '–';
  if (figures.note) return '0% (not run¹)';
  if (figures.trials === 0) return '–';
  const share = `${Math.round(figures.rate * 100)}% (${figures.delivered}/${figures.trials})`;
  const grace = figures.graceEnd ? `, ${figures.graceEnd} at the grace end` : '';
  return figures.delivered ? `${share}${grace} · p50 ${figures.p50Ms} ms, p95 ${figures.p95Ms} ms` : share;
}

function enginesSection(results: BenchResults): string {
  const { engines, skipped } = results.engines!;
  const settings = results.settings.engines;
  const lines = [
    '## 5. Other engines: Firefox ESR and WebKitGTK',
    '',
    `The same pages, relay and sandbox as section 2, driven through the engines test suite's drivers (Firefox: puppeteer-core over WebDriver BiDi; WebKitGTK: WebKitWebDriver and MiniBrowser under Xvfb), default preferences. ${settings.trials} trials per way for the element and ${settings.baselineTrials} for each naive baseline, interleaved, each in a fresh browser context or window, judged from the sandbox ${settings.settleMs / 1000} s after the last trial (a cancel counts within that long of the action). Latency as in section 2. **At the grace end**: the cancel landed 2 s or more after the action, i.e. the relay's sweeper cancelled because the page's own cancel never arrived: the element's beforeunload intent was neither followed by the pagehide cancel nor revoked, or the lease ran out.`,
  ];
  for (const engine of Object.values(engines)) {
    const ways = Object.keys(engine.delivery) as EngineWay[];
    lines.push(
      '',
      `### ${engine.label}`,
      '',
      table(
        ['way of leaving', 'element', 'naive fetch in beforeunload', 'naive beacon in unload'],
        ways.map((way) => [ENGINE_WAY_SPECS[way].label, wayCell(engine.delivery[way]), wayCell(engine.baselines.naiveFetch[way]), wayCell(engine.baselines.naiveBeacon[way])]),
      ),
    );
    const cannot = Object.entries(engine.cannot);
    if (cannot.length) lines.push('', ...cannot.map(([way, reason]) => `Not produced here: ${ENGINE_WAY_SPECS[way as EngineWay].label}: ${reason}.`));
    if (engine.trialErrors.length) lines.push('', `Trial errors (${engine.trialErrors.length}): ${engine.trialErrors.slice(0, 5).join('; ')}${engine.trialErrors.length > 5 ? '; …' : ''}`);
  }
  for (const [name, message] of Object.entries(skipped)) lines.push('', `${name}: skipped: ${message}`);
  lines.push('', '¹ A route change unloads nothing, so a naive page has no hook for it.');
  return lines.join('\n');
}

function leaseCostSection(results: BenchResults): string {
  const cost = results.leaseCost!;
  const { relay } = cost;
  const settings = results.settings.leaseCost;
  return [
    '## 7. What the lease costs',
    '',
    `At the relay's default lease (${cost.leaseMs / 1000} s; the element beats at the interval the relay asks for, ${cost.heartbeatMs / 1000} s).`,
    '',
    `**Heartbeats**: **${cost.heartbeatsPerSessionPerMinute}** signal requests per live, visible session per minute, counted at the relay over ${cost.heartbeatWindowMs / 1000} s for ${cost.heartbeatPages} element pages in Chromium. A hidden tab sends one \`hidden\` beacon and nothing more.`,
    '',
    `**The relay with ${bytes(relay.sessions)} live sessions** (one process, bundled, plain \`node\`, the ledger in its memory, no rate limits): each session's first heartbeat, then ${settings.steadyMs / 1000} s of heartbeats every ${relay.heartbeatMs / 1000} s per session, open loop and spread evenly (${relay.heartbeatsPerSecond}/s, ${relay.refused} not answered 200). CPU in % of one core, from /proc.`,
    '',
    table(
      ['', 'CPU %', 'RSS MB'],
      [
        ['idle, no sessions', `${relay.idleCpuPercent}`, `${relay.idleRssMb}`],
        [`${bytes(relay.sessions)} live sessions, heartbeats`, `${relay.steadyCpuPercent}`, `${relay.steadyRssMb}`],
        [`${bytes(relay.sessions)} live sessions, no requests (the sweeper alone)`, `${relay.sweeperOnlyCpuPercent}`, `peak ${relay.peakRssMb}`],
      ],
    ),
    '',
    `Heartbeat latency: p50 ${relay.latencyP50Ms} ms, p99 ${relay.latencyP99Ms} ms (a heartbeat also reads the provider status, at most once per half lease per session by default).`,
    '',
    `**The sweep**: ${bytes(settings.sessions)} live entries whose pages then all go silent at once (a network outage across many shoppers, say) while the relay listens; the ledger's clock moves one sweep interval per sweep. With an instant provider, so the work is the ledger's and the store's own (a real provider adds its latency per session; the sweeper works on several at once). **Sweeps**: from the first that acted to the last; each acts on at most the sweeper's concurrency, so the time the last lapsed session waits is bounded by the sweeps × the interval, not by the work.`,
    '',
    table(
      ['store', 'entries', 'filled in ms', 'a sweep with none due, ms (median)', 'sweeps for all lapsed', 'at the sweep interval, s', 'their work, ms', 'acted on'],
      cost.sweep.map((sweep) => [sweep.store, bytes(sweep.entries), `${sweep.fillMs}`, `${sweep.idleTickMs}`, `${sweep.sweepTicks}`, `${sweep.sweepAtIntervalMs / 1000}`, `${sweep.sweepWorkMs}`, bytes(sweep.acted)]),
    ),
    ...(cost.redisSkipped ? ['', `Redis: skipped (${cost.redisSkipped}).`] : []),
  ].join('\n');
}

export function renderReport(results: BenchResults): string {
  const { machine, git } = results;
  const sections: string[] = [
    '# Benchmark results',
    '',
    `Produced by \`${results.command}\` on ${results.generatedAt} in ${Math.round(results.durationSeconds)} s. Every figure is regenerated by that command; \`results.json\` beside this file has them all, with the settings.`,
    '',
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}. Load average (1 min) ${machine.loadAverageStart} at the start, ${machine.loadAverageEnd ?? '?'} at the end (other work on the machine shows up in the timings). Commit ${git.commit}${git.uncommittedFiles ? ` with ${git.uncommittedFiles} uncommitted files` : ''}.`,
    '',
    ...Object.entries(results.sectionRuns ?? {}).map(
      ([section, run]) => `Section **${section}** re-run on its own by \`${run.command}\` on ${run.generatedAt}, commit ${run.commit}, load average ${run.loadAverage}, and merged into these results.\n`,
    ),
    `Versions: ${Object.entries(results.versions).map(([name, version]) => `${name} ${version}`).join(', ')}${results.chromium ? `, Chromium ${results.chromium}` : ''}.`,
  ];
  if (results.targets?.length) {
    sections.push('', '## Targets', '', table(['target', 'met', 'measured'], results.targets.map((check) => [check.target, check.met ? 'yes' : '**no**', check.detail])));
  }
  if (results.size) sections.push('', sizeSection(results));
  if (results.delivery && results.baselines) sections.push('', deliverySection(results));
  if (results.relay?.paths) sections.push('', relaySection(results));
  if (results.firstPaint) sections.push('', firstPaintSection(results));
  if (results.engines) sections.push('', enginesSection(results));
  if (results.reliability) sections.push('', reliabilitySection(results));
  if (results.leaseCost) sections.push('', leaseCostSection(results));
  const failures = Object.entries(results.failures);
  if (failures.length) sections.push('', '## Sections that failed', '', ...failures.map(([section, reason]) => `- ${section}: ${reason}`));
  return `${sections.join('\n')}\n`;
}
