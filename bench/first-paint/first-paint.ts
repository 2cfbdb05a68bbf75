/**
 * Section 4, first paint: from the start of the page's navigation to the start of the hosted
 * flow's own request, for a page with the element (its minified self-contained file) and for
 * the same page with a plain <iframe>, interleaved, a fresh context each run. Both times are
 * the browser's own request timings (Playwright's request.timing().startTime), so the Node
 * side's overhead is not in them.
 */
import type { Browser, Request } from 'playwright-core';
import type { RunningStack } from '../../demo/stack.js';
import type { CheckoutSession } from '../../demo/checkout-api.js';
import { round, roundSummary, summarize, type Summary } from '../lib/stats.js';

export interface FirstPaintSettings {
  readonly runs: number;
}

export interface FirstPaintResults {
  /** Median element time / median plain-iframe time. */
  readonly ratio: number;
  readonly elementMs: Summary;
  readonly iframeMs: Summary;
  readonly runs: number;
}

type Embed = 'element' | 'iframe';

async function createSession(stack: RunningStack): Promise<CheckoutSession> {
  const response = await fetch(`${stack.merchantUrl}/merchant/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ product: 'EFT', lang: 'en', amount: 10 }),
  });
  if (!response.ok) throw new Error(`the merchant server answered ${response.status}`);
  return (await response.json()) as CheckoutSession;
}

/** Milliseconds from the page's navigation request to the hosted flow's request. */
async function measureOnce(browser: Browser, stack: RunningStack, embed: Embed): Promise<number> {
  const session = await createSession(stack);
  const url = new URL(`bench/raw/first-paint-${embed}.html`, stack.demoUrl);
  url.searchParams.set('src', session.url);
  url.searchParams.set('session', session.sessionId);
  const hostedPrefix = `${stack.sandboxUrl}/app/`;
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    let hosted: Request | undefined;
    const hostedDone = new Promise<void>((resolve) => {
      page.on('requestfinished', (request) => {
        if (request.url().startsWith(hostedPrefix) && request.resourceType() === 'document') {
          hosted = request;
          resolve();
        }
      });
    });
    const navigation = await page.goto(url.toString());
    if (!navigation) throw new Error('no navigation response');
    await Promise.race([
      hostedDone,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`the ${embed} page never requested the hosted flow`)), 15_000)),
    ]);
    return hosted!.timing().startTime - navigation.request().timing().startTime;
  } finally {
    await context.close();
  }
}

export async function measureFirstPaint(
  browser: Browser,
  stack: RunningStack,
  settings: FirstPaintSettings,
  log: (line: string) => void,
): Promise<FirstPaintResults> {
  // One unrecorded pair: the first request of each file goes through the dev server cold.
  await measureOnce(browser, stack, 'element');
  await measureOnce(browser, stack, 'iframe');
  const times: Record<Embed, number[]> = { element: [], iframe: [] };
  for (let index = 0; index < settings.runs; index++) {
    // Alternate which goes first, so neither always runs right after a context was torn down.
    const order: Embed[] = index % 2 === 0 ? ['element', 'iframe'] : ['iframe', 'element'];
    for (const embed of order) times[embed].push(await measureOnce(browser, stack, embed));
  }
  const elementMs = roundSummary(summarize(times.element))!;
  const iframeMs = roundSummary(summarize(times.iframe))!;
  const ratio = round(summarize(times.element)!.p50 / summarize(times.iframe)!.p50, 2);
  log(`  element ${elementMs.p50} ms (p95 ${elementMs.p95}), plain iframe ${iframeMs.p50} ms (p95 ${iframeMs.p95}), ratio ${ratio}`);
  return { ratio, elementMs, iframeMs, runs: settings.runs };
}
