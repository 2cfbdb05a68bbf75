/**
 * Section 4, first paint: from the start of the page's navigation to the start of the hosted
 * flow's own request, for a plain <iframe> (the baseline) and for pages with the element (its
 * minified self-contained file), interleaved, a fresh context each run. The times are the
 * browser's own request timings (Playwright's request.timing().startTime), so the Node side's
 * overhead is not in them. On a page where the server wrote the frame into the tag, each run
 * also checks that the element adopted it: no frame of its own, one hosted request.
 */
import type { Browser, Request } from 'playwright-core';
import type { RunningStack } from '../../demo/stack.js';
import type { CheckoutSession } from '../../demo/checkout-api.js';
import { round, roundSummary, summarize, type Summary } from '../lib/stats.js';

export interface FirstPaintSettings {
  readonly runs: number;
}

export type FirstPaintPage = 'element' | 'elementHeadScript' | 'elementAlone' | 'iframe';

interface PageSpec {
  readonly file: string;
  readonly label: string;
  /** The server wrote the hosted flow's frame into the tag: the element must adopt it. */
  readonly writtenFrame: boolean;
}

/** The first entry is the advice of docs/element.md, whose ratio is the section's figure. */
export const FIRST_PAINT_PAGES: Readonly<Record<FirstPaintPage, PageSpec>> = {
  element: {
    file: 'first-paint-element.html',
    label: 'element, frame written into the tag, script imported at the end of the body (the advice of docs/element.md)',
    writtenFrame: true,
  },
  elementHeadScript: {
    file: 'first-paint-element-head-script.html',
    label: 'element, frame written into the tag, module script in <head>',
    writtenFrame: true,
  },
  elementAlone: {
    file: 'first-paint-element-alone.html',
    label: 'element alone, making its own frame, module script in <head>',
    writtenFrame: false,
  },
  iframe: { file: 'first-paint-iframe.html', label: 'plain iframe (baseline)', writtenFrame: false },
};

export interface FirstPaintPageResult {
  readonly label: string;
  readonly ms: Summary;
  /** This page's median / the plain iframe's median. */
  readonly ratio: number;
}

export interface FirstPaintResults {
  /** The advised page's median / the plain iframe's median. */
  readonly ratio: number;
  readonly pages: Readonly<Record<FirstPaintPage, FirstPaintPageResult>>;
  readonly runs: number;
}

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
async function measureOnce(browser: Browser, stack: RunningStack, name: FirstPaintPage): Promise<number> {
  const spec = FIRST_PAINT_PAGES[name];
  const session = await createSession(stack);
  const url = new URL(`bench/raw/${spec.file}`, stack.demoUrl);
  url.searchParams.set('src', session.url);
  url.searchParams.set('session', session.sessionId);
  const hostedPrefix = `${stack.sandboxUrl}/app/`;
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    let first: Request | undefined;
    let hostedRequests = 0;
    const hostedDone = new Promise<void>((resolve) => {
      page.on('requestfinished', (request) => {
        if (request.url().startsWith(hostedPrefix) && request.resourceType() === 'document') {
          hostedRequests++;
          first ??= request;
          resolve();
        }
      });
    });
    const navigation = await page.goto(url.toString());
    if (!navigation) throw new Error('no navigation response');
    await Promise.race([
      hostedDone,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`the ${name} page never requested the hosted flow`)), 15_000)),
    ]);
    if (spec.writtenFrame) {
      // The figure only counts if the element really took the written frame over.
      await page.waitForFunction(() => document.querySelector('bank-pay-session')?.getAttribute('state') === 'active');
      const ownFrames = await page.evaluate(() => document.querySelector('bank-pay-session')!.shadowRoot!.querySelectorAll('iframe').length);
      if (ownFrames !== 0 || hostedRequests !== 1) {
        throw new Error(`the element did not adopt the written frame (${ownFrames} frames of its own, ${hostedRequests} hosted requests)`);
      }
    }
    return first!.timing().startTime - navigation.request().timing().startTime;
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
  const names = Object.keys(FIRST_PAINT_PAGES) as FirstPaintPage[];
  // One unrecorded round: the first request of each file goes through the dev server cold.
  for (const name of names) await measureOnce(browser, stack, name);
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<FirstPaintPage, number[]>;
  for (let index = 0; index < settings.runs; index++) {
    // Rotate which goes first, so none always runs right after a context was torn down.
    for (let offset = 0; offset < names.length; offset++) {
      const name = names[(index + offset) % names.length]!;
      times[name].push(await measureOnce(browser, stack, name));
    }
  }
  const baseline = summarize(times.iframe)!.p50;
  const pages = Object.fromEntries(
    names.map((name) => {
      const summary = summarize(times[name])!;
      const result: FirstPaintPageResult = { label: FIRST_PAINT_PAGES[name].label, ms: roundSummary(summary)!, ratio: round(summary.p50 / baseline, 2) };
      log(`  ${result.label}: ${result.ms.p50} ms (p95 ${result.ms.p95}), ratio ${result.ratio}`);
      return [name, result];
    }),
  ) as Record<FirstPaintPage, FirstPaintPageResult>;
  return { ratio: pages.element.ratio, pages, runs: settings.runs };
}
