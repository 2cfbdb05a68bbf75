/**
 * The kinds of abandonment the delivery benchmark drives, as the e2e tests drive them
 * (test/e2e/abandonment.test.ts, test/e2e/lease.test.ts), and what each variant is expected
 * to do about each.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { RunningStack } from '../../demo/stack.js';
import { crashRenderer, setOffline, type KillableChromium } from '../../test/e2e/dying.js';
import { closeButton, type Variant } from './variants.js';

/** The ways of leaving a framed flow, then the same with the flow open in its window (popup mode), and the window's own close. */
export const ABANDONMENT_KINDS = [
  'closeButton',
  'spaRemoval',
  'link',
  'reload',
  'tabClose',
  'contextClose',
  'bfcache',
  'windowClose',
  'windowCloseButton',
  'windowSpaRemoval',
  'windowLink',
  'windowReload',
  'windowTabClose',
  'rendererCrash',
  'rendererKill',
  'browserKill',
  'networkLost',
] as const;
export type AbandonmentKind = (typeof ABANDONMENT_KINDS)[number];

export interface ActionInput {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly variant: Variant;
  readonly stack: RunningStack;
  /** The flow's window, for the kinds that run in popup mode (opened by `prepare`). */
  readonly flowWindow?: Page;
  /** The trial's own Chromium, for the kinds that kill it (`ownBrowser`). */
  readonly chromium?: KillableChromium;
}

export interface ActionResult {
  /** bfcache kind: whether the page really went into the back/forward cache (pagehide.persisted). */
  readonly enteredBfcache?: boolean;
  /** When the page died, when the action had to prepare first (Date.now()); default: just before the action. */
  readonly actedAt?: number;
}

export interface KindSpec {
  readonly label: string;
  /**
   * The checkout page is still open after the action, so closing the trial's context could
   * itself send a cancel (an unload): only a cancel recorded before that counts.
   */
  readonly pageStays: boolean;
  /** Set when the naive baselines have no handler for this kind at all: they are not run, rate 0. */
  readonly noNaiveHandler?: string;
  /** The element's mode for this kind; popup kinds open the flow's window before the clock starts. */
  readonly mode?: 'popup';
  /** Runs before the clock starts: brings the checkout to where the action leaves it. */
  prepare?(input: Omit<ActionInput, 'flowWindow'>): Promise<Page>;
  /**
   * The page dies without a word: only the browser's deferred cancel or the relay's lease can
   * end the session, so the trials are judged at least a lease plus a sweep after the last.
   */
  readonly silent?: boolean;
  /** The trial runs in a Chromium of its own (the kind kills its processes). */
  readonly ownBrowser?: boolean;
  act(input: ActionInput): Promise<ActionResult>;
}

/**
 * Opens the flow's window from the launcher, as a shopper's click does, and waits until the
 * element has heard from the flow in it (its first step), so that a close is taken for a close,
 * not for a link cut by COOP.
 */
async function openFlowWindow({ page, context }: Omit<ActionInput, 'flowWindow'>): Promise<Page> {
  const [popup] = await Promise.all([context.waitForEvent('page'), page.locator('bank-pay-session [part~="open-button"]').click()]);
  await popup.waitForSelector('body[data-state="bank"]');
  await page.waitForSelector('body[data-heard="true"]');
  return popup;
}

const NO_NAIVE_WINDOW = 'the naive pages frame the flow; they have no window mode';

const FRAME_KINDS = {
  closeButton: {
    label: 'close button',
    pageStays: true,
    async act({ page, variant }) {
      await closeButton(page, variant).click();
      return {};
    },
  },
  spaRemoval: {
    label: 'SPA route change removes it',
    pageStays: true,
    noNaiveHandler: 'a route change unloads nothing, so neither beforeunload nor unload fires; a naive page has no hook for it',
    async act({ page }) {
      await page.locator('#spa-route').click();
      return {};
    },
  },
  link: {
    label: 'link to another site',
    pageStays: false,
    async act({ page }) {
      await Promise.all([page.waitForURL(/elsewhere\.html/), page.locator('#leave-link').click()]);
      return {};
    },
  },
  reload: {
    label: 'reload',
    pageStays: false,
    async act({ page }) {
      await page.reload();
      return {};
    },
  },
  tabClose: {
    label: 'tab close',
    pageStays: false,
    async act({ page }) {
      await page.close({ runBeforeUnload: true });
      return {};
    },
  },
  contextClose: {
    label: 'browser context (window) close',
    pageStays: false,
    async act({ context }) {
      await context.close();
      return {};
    },
  },
  bfcache: {
    label: 'bfcache entry (navigate away, same site)',
    pageStays: false,
    async act({ page, stack }) {
      await page.goto(new URL('/bench/raw/elsewhere.html', stack.demoUrl).toString());
      // Same origin, same tab: the checkout's pagehide handler left the flag in sessionStorage.
      const persisted = await page.evaluate(() => sessionStorage.getItem('bench-pagehide-persisted'));
      return { enteredBfcache: persisted === 'true' };
    },
  },
  rendererCrash: {
    label: 'renderer crash (CDP Page.crash)',
    pageStays: false,
    silent: true,
    async act({ page }) {
      await crashRenderer(page);
      return {};
    },
  },
  rendererKill: {
    label: "the page's renderer killed (SIGKILL, as the out-of-memory killer)",
    pageStays: false,
    silent: true,
    ownBrowser: true,
    async act({ page, chromium }) {
      return { actedAt: await chromium!.killRenderer(page) };
    },
  },
  browserKill: {
    label: 'browser process killed (SIGKILL)',
    pageStays: false,
    silent: true,
    ownBrowser: true,
    async act({ chromium }) {
      chromium!.killBrowser();
      return {};
    },
  },
  networkLost: {
    label: 'network lost as the tab closes',
    pageStays: false,
    silent: true,
    async act({ page }) {
      await setOffline(page, true);
      const actedAt = Date.now();
      await page.close({ runBeforeUnload: true });
      return { actedAt };
    },
  },
} satisfies Record<string, KindSpec>;

/** A way of leaving the checkout, taken while the flow is open in its window. */
function withWindowOpen(kind: keyof typeof FRAME_KINDS, label: string): KindSpec {
  return { ...FRAME_KINDS[kind], label: `window open: ${label}`, mode: 'popup', prepare: openFlowWindow, noNaiveHandler: NO_NAIVE_WINDOW };
}

export const KINDS: Record<AbandonmentKind, KindSpec> = {
  ...FRAME_KINDS,
  windowClose: {
    label: 'window open: the shopper closes it',
    pageStays: true,
    mode: 'popup',
    noNaiveHandler: NO_NAIVE_WINDOW,
    prepare: openFlowWindow,
    async act({ flowWindow }) {
      await flowWindow!.close();
      return {};
    },
  },
  windowCloseButton: withWindowOpen('closeButton', 'close button'),
  windowSpaRemoval: withWindowOpen('spaRemoval', 'SPA route change removes it'),
  windowLink: withWindowOpen('link', 'link to another site'),
  windowReload: withWindowOpen('reload', 'reload'),
  windowTabClose: withWindowOpen('tabClose', 'checkout tab close'),
};
