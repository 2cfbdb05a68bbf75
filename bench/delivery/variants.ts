/** The three ways a checkout page can cancel that the delivery benchmark compares. */
import type { BrowserContext, Page } from 'playwright-core';
import type { RunningStack } from '../../demo/stack.js';

export const VARIANTS = ['element', 'naiveFetch', 'naiveBeacon'] as const;
export type Variant = (typeof VARIANTS)[number];
export type Baseline = Exclude<Variant, 'element'>;

export const VARIANT_INFO: Record<Variant, { readonly page: string; readonly description: string }> = {
  element: { page: 'bench/raw/element.html', description: "<bank-pay-session> (sendBeacon / fetch keepalive on the way out; fetchLater and the relay's lease for a page that dies)" },
  naiveFetch: { page: 'bench/raw/naive-fetch.html', description: 'plain iframe; fetch() without keepalive in a beforeunload handler' },
  naiveBeacon: { page: 'bench/raw/naive-beacon.html', description: 'plain iframe; navigator.sendBeacon() in an unload handler' },
};

/** The variant's own close control. */
export function closeButton(page: Page, variant: Variant) {
  return page.locator(variant === 'element' ? 'bank-pay-session [part~="close-button"]' : '#close-button');
}

export interface OpenedPage {
  readonly page: Page;
  readonly sessionId: string;
}

/**
 * Opens the variant's checkout and waits until the hosted flow has loaded in it, or, in popup
 * mode (the element only), until its launcher shows.
 */
export async function openVariant(context: BrowserContext, stack: RunningStack, variant: Variant, mode?: 'popup'): Promise<OpenedPage> {
  const page = await context.newPage();
  const url = new URL(VARIANT_INFO[variant].page, stack.demoUrl);
  url.searchParams.set('relay', stack.merchantUrl);
  if (mode) url.searchParams.set('mode', mode);
  await page.goto(url.toString());
  await page.waitForSelector(mode ? 'bank-pay-session[state="launch"]' : 'body[data-state="active"]', { timeout: 15_000 });
  const sessionId = await page.evaluate(() => window.__bpsDemo?.session.sessionId ?? '');
  if (!sessionId) throw new Error(`the ${variant} page created no session`);
  return { page, sessionId };
}
