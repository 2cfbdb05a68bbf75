/**
 * Firefox ESR through puppeteer-core over WebDriver BiDi (no geckodriver; Playwright cannot
 * drive a stock Firefox). Each checkout tab gets its own browser context (a Firefox user
 * context), so tabs share no storage. Default preferences throughout: in particular never
 * `dom.ipc.keepProcessesAlive.*`, which would hide Firefox's loss of `pagehide` beacons on
 * tab close that these tests exist to see.
 */
import puppeteer, { type Browser, type BrowserContext, type Dialog, type Frame, type Page } from 'puppeteer-core';
import type { RunningStack } from '../../../demo/stack.js';
import { ENGINES } from '../../support/engines.mjs';
import { BALLAST, killHeaviest } from '../processes.js';
import {
  addOpenerButton,
  checkoutPage,
  DEFAULT_WAIT_MS,
  openerPageUrl,
  PAGE,
  pollUntil,
  type EngineDriver,
  type EngineTab,
  type FlowFrame,
  type FlowWindow,
  type OpenCheckoutOptions,
} from './harness.js';

function flowFrame(frame: Frame): FlowFrame {
  return {
    click: (selector) => frame.locator(selector).setTimeout(DEFAULT_WAIT_MS).click(),
    fill: (selector, value) => frame.locator(selector).setTimeout(DEFAULT_WAIT_MS).fill(value),
    waitFor: async (expression, timeoutMs = DEFAULT_WAIT_MS) => {
      await frame.waitForFunction(expression, { timeout: timeoutMs });
    },
  };
}

class FirefoxTab implements EngineTab {
  #leavePromptAnswer: 'stay' | 'leave' = 'leave';

  constructor(
    readonly sessionId: string,
    private readonly page: Page,
    private readonly context: BrowserContext,
    private readonly popup: boolean,
    /** The browser's process: its content processes run below it. */
    private readonly browserPid: number,
  ) {
    // A prompt nobody answers would hold the close forever: every one gets the chosen answer.
    this.page.on('dialog', (dialog: Dialog) => void (this.#leavePromptAnswer === 'stay' ? dialog.dismiss() : dialog.accept()).catch(() => undefined));
  }

  evaluate<T>(expression: string): Promise<T> {
    return this.page.evaluate(expression) as Promise<T>;
  }

  async waitFor(expression: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    await this.page.waitForFunction(expression, { timeout: timeoutMs });
  }

  click(selector: string): Promise<void> {
    return this.page.locator(selector).setTimeout(DEFAULT_WAIT_MS).click();
  }

  clickPart(part: string): Promise<void> {
    return this.page.locator(`bank-pay-session >>> [part~="${part}"]`).setTimeout(DEFAULT_WAIT_MS).click();
  }

  async inFlow<T>(steps: (flow: FlowFrame) => Promise<T>): Promise<T> {
    const iframe = await this.page.waitForSelector('bank-pay-session >>> iframe', { timeout: DEFAULT_WAIT_MS });
    const frame = await iframe?.contentFrame();
    if (!frame) throw new Error('the hosted flow is not framed inside the element');
    return steps(flowFrame(frame));
  }

  async flowWindow(): Promise<FlowWindow> {
    // Found among the context's pages rather than by the popup event: under COOP the window
    // has no opener, and it may already exist when this is called.
    let popup: Page | undefined;
    await pollUntil(async () => (popup = (await this.context.pages()).find((page) => page !== this.page)), 'the flow\'s window');
    const page = popup!;
    return {
      ...flowFrame(page.mainFrame()),
      close: () => page.close(),
      isClosed: async () => page.isClosed() || !(await this.context.pages()).includes(page),
    };
  }

  async goto(url: string): Promise<void> {
    await this.page.goto(url, { waitUntil: 'load' });
  }

  async reload(): Promise<void> {
    await this.page.reload({ waitUntil: 'load' });
  }

  async back(): Promise<void> {
    await this.page.goBack({ waitUntil: 'load' });
  }

  async url(): Promise<string> {
    return this.page.url();
  }

  closeAsUser(): Promise<void> {
    return this.page.close({ runBeforeUnload: true });
  }

  closeByDriver(): Promise<void> {
    return this.context.close();
  }

  async killContentProcess(): Promise<number> {
    await this.page.evaluate(BALLAST);
    // Web content runs in `-isForBrowser` processes (the others are sockets, media, utilities).
    killHeaviest(this.browserPid, '-isForBrowser');
    return Date.now();
  }

  async closeItself(): Promise<void> {
    if (!this.popup) throw new Error('only a window opened by script may close itself: open the checkout with {popup: true}');
    const closed = new Promise<void>((resolve) => this.page.once('close', () => resolve()));
    // Not awaited: the page may be gone before the evaluation can answer.
    this.page.evaluate('setTimeout(() => window.close())').catch(() => undefined);
    await closed;
  }

  answerLeavePrompts(answer: 'stay' | 'leave'): void {
    this.#leavePromptAnswer = answer;
  }

  async dispose(): Promise<void> {
    await this.context.close().catch(() => undefined);
  }
}

async function waitForPopup(opener: Page): Promise<Page> {
  const popup = new Promise<Page>((resolve) => opener.once('popup', (page) => page && resolve(page)));
  await opener.locator('#open-checkout').click();
  return popup;
}

export async function launchFirefox(): Promise<EngineDriver> {
  const { executablePath } = ENGINES.firefox.locate();
  if (!executablePath) throw new Error('Firefox was located without an executable path');
  const browser: Browser = await puppeteer.launch({ browser: 'firefox', executablePath, headless: true });
  const version = await browser.version();
  const browserPid = browser.process()?.pid;
  if (browserPid === undefined) throw new Error('Firefox started without a process id');

  return {
    name: 'firefox',
    label: `${ENGINES.firefox.label} (${version})`,
    capabilities: { userTabClose: true, answersLeavePrompt: true },

    async openCheckout(stack: RunningStack, options: OpenCheckoutOptions = {}): Promise<EngineTab> {
      const { url, readyWhen } = checkoutPage(stack, options);
      const popup = options.popup ?? false;
      const context = await browser.createBrowserContext();
      try {
        let page = await context.newPage();
        if (popup) {
          await page.goto(openerPageUrl(stack), { waitUntil: 'load' });
          await page.evaluate(addOpenerButton(url));
          page = await waitForPopup(page);
        } else {
          await page.goto(url, { waitUntil: 'load' });
        }
        // Polled rather than waitForFunction: a popup starts on about:blank, and a wait set
        // up there does not always survive the navigation to the checkout.
        const ready = page;
        await pollUntil(() => ready.evaluate(readyWhen), 'the hosted flow to be active');
        const sessionId = (await page.evaluate(PAGE.sessionId)) as string;
        if (!sessionId) throw new Error('the demo page created no session');
        return new FirefoxTab(sessionId, page, context, popup, browserPid);
      } catch (error) {
        await context.close().catch(() => undefined);
        throw error;
      }
    },

    close: () => browser.close(),
  };
}
