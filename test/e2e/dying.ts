/**
 * Ways a checkout page dies without a word, in a real Chromium: nothing of the page runs
 * afterwards, so only the browser's deferred cancel (`fetchLater`) or the relay's lease can
 * end the session. Also the ways a live page goes quiet without leaving (frozen, offline).
 * Shared by the e2e tests and the delivery bench.
 *
 * Linux only (the renderer processes are found in /proc).
 */
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import puppeteer, { type Browser as PuppeteerBrowser, type CDPSession as PuppeteerCDPSession } from 'puppeteer-core';
import { chromiumPath, CHROMIUM_ARGS } from '../support/chromium.mjs';
import { BALLAST, descendants, kill, killHeaviest } from './processes.js';

/**
 * The renderer crashes (CDP `Page.crash`). The command never answers (the target dies with it
 * in flight), so it is sent without waiting for a reply.
 */
export async function crashRenderer(page: Page): Promise<void> {
  const cdp = await sessionOf(page);
  void cdp.send('Page.crash').catch(() => undefined);
}

/** One DevTools session per page: an emulation lasts as long as the session that set it. */
const sessions = new WeakMap<Page, Promise<CDPSession>>();
function sessionOf(page: Page): Promise<CDPSession> {
  let session = sessions.get(page);
  if (!session) sessions.set(page, (session = page.context().newCDPSession(page)));
  return session;
}

/** Emulates a lost (or restored) network for the page's own requests. */
export async function setOffline(page: Page, offline: boolean): Promise<void> {
  const cdp = await sessionOf(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
}

/**
 * A Chromium driven by Puppeteer, for the one case Playwright cannot produce: Playwright
 * emulates focus on every page, so none ever becomes really hidden, and Chromium will only
 * freeze a hidden page. Here a tab brought to the front hides the one behind it, as a
 * shopper's tab switch does.
 */
export async function launchTabbedChromium(): Promise<PuppeteerBrowser> {
  // Playwright adds --no-sandbox by itself; Chromium refuses to run as root without it.
  return puppeteer.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, '--no-sandbox'], headless: true });
}

/**
 * Freezes a hidden tab as Chromium does a background tab (CDP Page.setWebLifecycleState):
 * none of its tasks or timers run until it is resumed.
 */
export async function setFrozen(cdp: PuppeteerCDPSession, frozen: boolean): Promise<void> {
  await cdp.send('Page.setWebLifecycleState', { state: frozen ? 'frozen' : 'active' });
}

/** The context's pages run as in an engine without `fetchLater` (Firefox and WebKit today). */
export async function withholdFetchLater(context: BrowserContext): Promise<void> {
  await context.addInitScript('delete Window.prototype.fetchLater; delete window.fetchLater;');
}

export interface KillableChromium {
  readonly browser: Browser;
  /** The browser process is killed (SIGKILL), as the system does: it says nothing to anyone. */
  killBrowser(): void;
  /**
   * The page's renderer process is killed (SIGKILL), as the out-of-memory killer does: the page
   * first holds a large buffer, so its renderer is the heaviest one. Resolves with when it was killed.
   */
  killRenderer(page: Page): Promise<number>;
  /** Ends whatever is left, orphans of a killed browser included. */
  close(): Promise<void>;
}

/** A Chromium of its own, with its process known, for the cases that kill it. */
export async function launchKillableChromium(): Promise<KillableChromium> {
  const server = await chromium.launchServer({
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
  });
  const pid = server.process().pid;
  if (pid === undefined) throw new Error('Chromium started without a process id');
  const browser = await chromium.connect(server.wsEndpoint());
  let family: number[] | undefined;
  return {
    browser,
    killBrowser() {
      family = descendants(pid).map((entry) => entry.pid);
      kill(pid);
    },
    async killRenderer(page) {
      await page.evaluate(BALLAST);
      killHeaviest(pid, '--type=renderer');
      return Date.now();
    },
    async close() {
      if (family) {
        await server.kill().catch(() => undefined);
        for (const orphan of family) kill(orphan);
      } else {
        await browser.close().catch(() => undefined);
        await server.close().catch(() => undefined);
      }
    },
  };
}
