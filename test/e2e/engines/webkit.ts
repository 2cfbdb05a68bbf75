/**
 * WebKitGTK (Safari's engine) through webdriverio over WebDriver classic: WebKitWebDriver
 * drives MiniBrowser on a private Xvfb display, both started here and ended by `close()`.
 *
 * One WebDriver session serves every tab, each in its own window (a new session costs
 * seconds); a blank home window stays open because closing a session's last window ends the
 * session. Windows of one session share cookies and local storage; the demo keeps nothing
 * there that one case could leave to the next (sessionStorage is per window).
 *
 * WebDriver classic cannot close a window the way a person does: its Close Window skips
 * `beforeunload`, and it accepts every `beforeunload` prompt. Cases that need either are
 * covered here by the page closing itself (`closeItself`, a window opened by script).
 */
import { remote } from 'webdriverio';
import type { RunningStack } from '../../../demo/stack.js';
import { ENGINES } from '../../support/engines.mjs';
import { startWebKitDriver } from '../../support/webkit-driver.mjs';
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

type Session = WebdriverIO.Browser;

/** How long ending the WebDriver session may take before the driver is stopped regardless. */
const SESSION_END_WAIT_MS = 5000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** WebDriver's wire form of an element reference, as Execute Script returns one. */
type ElementReference = Record<string, string>;
const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';

/** Runs an expression in the current browsing context (Execute Script wants a function body). */
function run<T>(session: Session, expression: string): Promise<T> {
  return session.execute(`return (${expression});`) as Promise<T>;
}

/** Finds an element by a script expression, waiting until it exists. */
async function find(session: Session, expression: string, what: string): Promise<string> {
  let id = '';
  await pollUntil(async () => {
    const reference = await run<ElementReference | null>(session, expression);
    id = reference?.[ELEMENT_KEY] ?? '';
    return id;
  }, what);
  return id;
}

/** A real click through WebDriver's Element Click (pointer events at the element's centre). */
async function clickFound(session: Session, expression: string, what: string): Promise<void> {
  await session.elementClick(await find(session, expression, what));
}

/**
 * The first element matching a selector once it is rendered (a hidden view's controls have
 * no boxes): WebDriver refuses to type into, or click, what is not shown yet.
 */
const query = (selector: string) =>
  `(() => { const el = document.querySelector(${JSON.stringify(selector)}); return el && el.getClientRects().length > 0 ? el : null; })()`;

function flowFrame(session: Session): FlowFrame {
  return {
    click: (selector) => clickFound(session, query(selector), selector),
    fill: async (selector, value) => {
      const id = await find(session, query(selector), selector);
      await session.elementClear(id);
      await session.elementSendKeys(id, value);
    },
    waitFor: (expression, timeoutMs = DEFAULT_WAIT_MS) => pollUntil(() => run(session, expression), expression, timeoutMs),
  };
}

class WebKitTab implements EngineTab {
  #closed = false;

  constructor(
    readonly sessionId: string,
    private readonly session: Session,
    /** This tab's window. */
    private readonly handle: string,
    /** The window that stays open (and, for a popup, its opener): where to return once this one is gone. */
    private readonly home: string,
    private readonly popup: boolean,
    /** WebKitWebDriver's process: MiniBrowser and its web processes run below it. */
    private readonly driverPid: number,
    private readonly onContentProcessKilled: () => void,
    /** The windows that were open when the tab was: any other one is a window the page opened. */
    private readonly known: readonly string[] = [],
  ) {}

  /** Every command goes to this tab's window, whichever window the last case left current. */
  async #focus(): Promise<Session> {
    if ((await this.session.getWindowHandle().catch(() => '')) !== this.handle) await this.session.switchToWindow(this.handle);
    await this.session.switchToParentFrame().catch(() => undefined);
    return this.session;
  }

  async evaluate<T>(expression: string): Promise<T> {
    return run<T>(await this.#focus(), expression);
  }

  async waitFor(expression: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    const session = await this.#focus();
    await pollUntil(() => run(session, expression), expression, timeoutMs);
  }

  async click(selector: string): Promise<void> {
    await clickFound(await this.#focus(), query(selector), selector);
  }

  async clickPart(part: string): Promise<void> {
    const expression = `document.querySelector('bank-pay-session')?.shadowRoot?.querySelector('[part~="${part}"]')`;
    await clickFound(await this.#focus(), expression, `the element's ${part}`);
  }

  async inFlow<T>(steps: (flow: FlowFrame) => Promise<T>): Promise<T> {
    const session = await this.#focus();
    const frame = await find(session, `document.querySelector('bank-pay-session')?.shadowRoot?.querySelector('iframe')`, 'the hosted flow frame');
    // The whole frame in view first: for an element inside a frame that is partly out of view,
    // WebKitWebDriver clicks where the element would be unscrolled, outside the frame.
    await session.execute(`arguments[0].scrollIntoView({ block: 'start' });`, { [ELEMENT_KEY]: frame });
    // A plain reference object: switchFrame passes it to WebDriver classic's Switch To Frame.
    await session.switchFrame({ [ELEMENT_KEY]: frame } as unknown as WebdriverIO.Element);
    try {
      return await steps(flowFrame(session));
    } finally {
      await session.switchToParentFrame().catch(() => undefined);
    }
  }

  async flowWindow(): Promise<FlowWindow> {
    const session = this.session;
    let handle = '';
    await pollUntil(async () => {
      handle = (await session.getWindowHandles()).find((h) => h !== this.handle && h !== this.home && !this.known.includes(h)) ?? '';
      return handle;
    }, 'the flow\'s window');
    const focus = async () => {
      if ((await session.getWindowHandle().catch(() => '')) !== handle) await session.switchToWindow(handle);
      return session;
    };
    const inWindow = flowFrame(session);
    return {
      // Every command goes to the flow's window, whichever window the tab's commands left current.
      click: async (selector) => {
        await focus();
        await inWindow.click(selector);
      },
      fill: async (selector, value) => {
        await focus();
        await inWindow.fill(selector, value);
      },
      waitFor: async (expression, timeoutMs) => {
        await focus();
        await inWindow.waitFor(expression, timeoutMs);
      },
      close: async () => {
        await (await focus()).closeWindow();
        await session.switchToWindow(this.handle);
      },
      isClosed: async () => !(await session.getWindowHandles()).includes(handle),
    };
  }

  async goto(url: string): Promise<void> {
    await (await this.#focus()).navigateTo(url);
  }

  async reload(): Promise<void> {
    await (await this.#focus()).refresh();
  }

  async back(): Promise<void> {
    await (await this.#focus()).back();
  }

  async url(): Promise<string> {
    return (await this.#focus()).getUrl();
  }

  async closeAsUser(): Promise<void> {
    throw new Error('WebDriver classic closes a window without beforeunload: use closeItself (a popup) or closeByDriver');
  }

  async killContentProcess(): Promise<number> {
    await run(await this.#focus(), BALLAST);
    killHeaviest(this.driverPid, 'WebKitWebProcess');
    this.#closed = true; // with its session: the driver ends it on a page crash
    this.onContentProcessKilled();
    return Date.now();
  }

  async closeByDriver(): Promise<void> {
    await (await this.#focus()).closeWindow();
    await this.#gone();
  }

  async closeItself(): Promise<void> {
    if (!this.popup) throw new Error('only a window opened by script may close itself: open the checkout with {popup: true}');
    const session = await this.#focus();
    // Later, so Execute Script answers before its window goes away.
    await run(session, `setTimeout(() => window.close(), 0) && true`);
    await pollUntil(async () => !(await session.getWindowHandles()).includes(this.handle), 'the window to close itself');
    await this.#gone();
  }

  answerLeavePrompts(): void {
    throw new Error('WebDriver classic accepts every beforeunload prompt: it cannot answer "stay"');
  }

  async #gone(): Promise<void> {
    this.#closed = true;
    await this.session.switchToWindow(this.home);
  }

  async dispose(): Promise<void> {
    // Windows the page opened (the flow's, in popup mode) go too.
    for (const handle of await this.session.getWindowHandles().catch(() => [] as string[])) {
      if (handle === this.home || handle === this.handle || this.known.includes(handle)) continue;
      await this.session.switchToWindow(handle).then(() => this.session.closeWindow()).catch(() => undefined);
    }
    await this.session.switchToWindow(this.home).catch(() => undefined);
    if (this.handle === this.home) {
      // The page ran in the home window, which stays: back to blank for the next case.
      await this.session.navigateTo('about:blank').catch(() => undefined);
      return;
    }
    if (!this.#closed) {
      const open = await this.session.getWindowHandles().catch(() => [] as string[]);
      if (open.includes(this.handle)) await this.closeByDriver().catch(() => undefined);
    }
    // The opener page is done with; the home window goes back to blank for the next case.
    if (this.popup) await this.session.navigateTo('about:blank').catch(() => undefined);
  }
}

export async function launchWebKit(): Promise<EngineDriver> {
  // --javascript-can-open-windows-automatically: the popup case opens a window by script.
  const driver = await startWebKitDriver({ browserArgs: ['--javascript-can-open-windows-automatically=true'] });
  const newSession = () =>
    remote({
      hostname: driver.hostname,
      port: driver.port,
      path: '/',
      logLevel: 'error',
      connectionRetryCount: 0,
      capabilities: driver.capabilities as WebdriverIO.Capabilities,
    });
  let session: Session;
  try {
    session = await newSession();
  } catch (error) {
    await driver.stop();
    throw error;
  }
  let home = await session.getWindowHandle();
  const version = String(session.capabilities.browserVersion ?? '');
  /**
   * WebKitWebDriver ends its session when a page's web process dies: after a tab's content
   * process was killed, the next tab gets a new session (and a new MiniBrowser).
   */
  let sessionLost = false;
  const onContentProcessKilled = () => (sessionLost = true);

  async function newWindow(url: string): Promise<string> {
    // A window of its own, not a tab: MiniBrowser shows only its current tab, so a page in a tab
    // of the home window is hidden (visibilityState) whichever handle the driver switched to.
    const { handle } = await session.createWindow('window');
    await session.switchToWindow(handle);
    await session.navigateTo(url);
    return handle;
  }

  /**
   * A window that the home window opens by script: in MiniBrowser only the session's first
   * window may open others (in a window made by New Window, `window.open` returns null).
   */
  async function openPopup(stack: RunningStack, url: string): Promise<string> {
    await session.switchToWindow(home);
    await session.navigateTo(openerPageUrl(stack));
    await run(session, addOpenerButton(url));
    const before = await session.getWindowHandles();
    await clickFound(session, query('#open-checkout'), 'the opener button');
    let opened: string | undefined;
    await pollUntil(async () => (opened = (await session.getWindowHandles()).find((handle) => !before.includes(handle))), 'the checkout window');
    await session.switchToWindow(opened ?? '');
    return opened ?? '';
  }

  return {
    name: 'webkit',
    label: `${ENGINES.webkit.label}${version ? ` (${version})` : ''}`,
    capabilities: { userTabClose: false, answersLeavePrompt: false },

    async openCheckout(stack: RunningStack, options: OpenCheckoutOptions = {}): Promise<EngineTab> {
      if (sessionLost) {
        await Promise.race([session.deleteSession().catch(() => undefined), sleep(SESSION_END_WAIT_MS)]);
        session = await newSession();
        home = await session.getWindowHandle();
        sessionLost = false;
      }
      const { url, readyWhen } = checkoutPage(stack, options);
      const known = await session.getWindowHandles();
      let handle: string;
      if (options.opensWindows) {
        await session.switchToWindow(home);
        await session.navigateTo(url);
        handle = home;
      } else {
        handle = options.popup ? await openPopup(stack, url) : await newWindow(url);
      }
      await pollUntil(() => run(session, readyWhen), 'the hosted flow to be active');
      const sessionId = await run<string>(session, PAGE.sessionId);
      if (!sessionId) throw new Error('the demo page created no session');
      return new WebKitTab(sessionId, session, handle, home, options.popup ?? false, driver.pid, onContentProcessKilled, known);
    },

    async close(): Promise<void> {
      // Ending the session closes MiniBrowser; should the driver not answer, stopping it
      // (and its X server) ends the browser all the same.
      await Promise.race([session.deleteSession().catch(() => undefined), sleep(SESSION_END_WAIT_MS)]);
      await driver.stop();
    },
  };
}
