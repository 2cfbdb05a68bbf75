/**
 * The engine-neutral face of an end-to-end browser: what a case needs to do to a checkout tab
 * (click, navigate, step through the hosted flow, leave it in the ways a shopper does), so a
 * case is written once and runs in every engine whose driver can produce it. Each engine's
 * driver (Firefox through puppeteer-core over WebDriver BiDi, WebKitGTK through webdriverio
 * over WebDriver classic) implements it; what a driver cannot do is declared in
 * `capabilities`, and cases check it rather than the engine's name.
 *
 * Scripts run in the page are strings, not functions: tsx would wrap arrow functions in
 * helpers that the page does not have.
 */
import type { RunningStack } from '../../../demo/stack.js';
import type { EngineName } from '../../support/engines.mjs';

/** The hosted flow's frame, inside the element's shadow root, on the provider's origin. */
export interface FlowFrame {
  /** A real pointer click on the first element matching a CSS selector. */
  click(selector: string): Promise<void>;
  /** Types into a field (a real keyboard, not a value assignment). */
  fill(selector: string, value: string): Promise<void>;
  /** Waits until a JavaScript expression, evaluated in the frame, is truthy. */
  waitFor(expression: string, timeoutMs?: number): Promise<void>;
}

/** The hosted flow's own window, opened by the element's launcher (popup mode). */
export interface FlowWindow extends FlowFrame {
  /** Closes the window as the shopper does with its close button. */
  close(): Promise<void>;
  /** True once the window is gone (closed by the shopper, or by the checkout). */
  isClosed(): Promise<boolean>;
}

export interface EngineTab {
  /** The provider session the page created. */
  readonly sessionId: string;
  /** Evaluates a JavaScript expression in the page and returns its (JSON) value. */
  evaluate<T>(expression: string): Promise<T>;
  /** Waits until a JavaScript expression, evaluated in the page, is truthy. */
  waitFor(expression: string, timeoutMs?: number): Promise<void>;
  /** A real pointer click on the first light-DOM element matching a CSS selector. */
  click(selector: string): Promise<void>;
  /** A real pointer click on one of `<bank-pay-session>`'s parts (in its shadow root). */
  clickPart(part: string): Promise<void>;
  /** Runs steps inside the hosted flow's frame, then returns to the page. */
  inFlow<T>(steps: (flow: FlowFrame) => Promise<T>): Promise<T>;
  /** The window the page opened for the hosted flow (popup mode), once it exists. */
  flowWindow(): Promise<FlowWindow>;
  /** Navigates the tab as the address bar does, and waits for the new page's load. */
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  back(): Promise<void>;
  url(): Promise<string>;
  /**
   * Closes the tab as a person does with its close button: `beforeunload`, then `pagehide`.
   * Only where `capabilities.userTabClose`.
   */
  closeAsUser(): Promise<void>;
  /**
   * The tab's content process is killed (SIGKILL), as the out-of-memory killer does: nothing
   * of the page runs afterwards. Resolves with when it was killed.
   */
  killContentProcess(): Promise<number>;
  /** Closes the tab's window through the driver (no `beforeunload` in any engine here). */
  closeByDriver(): Promise<void>;
  /**
   * The page closes itself with `window.close()`, which a window opened by script may do
   * and which runs `beforeunload` and `pagehide` as a person's close does. Only for a tab
   * opened with `{popup: true}`.
   */
  closeItself(): Promise<void>;
  /**
   * How the next "leave this page?" prompts are answered: `stay` keeps the page, `leave`
   * lets it go. Only where `capabilities.answersLeavePrompt`.
   */
  answerLeavePrompts(answer: 'stay' | 'leave'): void;
  /** Ends whatever is left of the tab (and its window or context); safe to call twice. */
  dispose(): Promise<void>;
}

export interface EngineCapabilities {
  /**
   * The driver can close a tab as a person does, running `beforeunload` first. WebDriver
   * classic cannot: its Close Window skips `beforeunload`.
   */
  readonly userTabClose: boolean;
  /** The driver can answer a `beforeunload` prompt (WebDriver classic accepts them all). */
  readonly answersLeavePrompt: boolean;
}

export interface OpenCheckoutOptions {
  /** Extra query parameters for the demo page (`lang`, `product`). */
  readonly query?: Record<string, string>;
  /**
   * Open the checkout in a window that another page of the demo's origin opened by script,
   * so the checkout may close itself (`closeItself`).
   */
  readonly popup?: boolean;
  /**
   * Another page than the demo checkout (the bench's naive variants), with the expression
   * that says its hosted flow is up. It must set `window.__bpsDemo.session` as the demo does.
   */
  readonly page?: { readonly url: string; readonly readyWhen: string };
  /**
   * The page opens windows of its own (the element's popup mode): in MiniBrowser only the
   * WebDriver session's first window may, so the driver loads the page there.
   */
  readonly opensWindows?: boolean;
}

/** The URL and readiness check `openCheckout` uses for these options. */
export function checkoutPage(stack: RunningStack, { query = {}, page }: OpenCheckoutOptions): { url: string; readyWhen: string } {
  return page ?? { url: checkoutUrl(stack, query), readyWhen: PAGE.stateIs('active') };
}

export interface EngineDriver {
  readonly name: EngineName;
  /** What reports call it, with its version. */
  readonly label: string;
  readonly capabilities: EngineCapabilities;
  /**
   * A new tab on the demo checkout with a live session: resolved once the hosted flow is
   * mounted inside the element. Tabs do not share storage where the driver allows it.
   */
  openCheckout(stack: RunningStack, options?: OpenCheckoutOptions): Promise<EngineTab>;
  /** Ends the browser (and its driver). */
  close(): Promise<void>;
}

/** Checks that take no driver: what the demo page exposes, as page-side expressions. */
export const PAGE = {
  /** The element's reflected state. */
  elementState: `document.querySelector('bank-pay-session')?.getAttribute('state') ?? null`,
  /** The session the demo page created, or ''. */
  sessionId: `window.__bpsDemo?.session.sessionId ?? ''`,
  stateIs: (state: string) => `document.querySelector('bank-pay-session')?.getAttribute('state') === ${JSON.stringify(state)}`,
} as const;

/** The hosted flow's controls, as CSS selectors (the same markup in every language). */
export const FLOW = {
  continueIn: (view: string) => `[data-view="${view}"] button[type="submit"]`,
  backIn: (view: string) => `[data-view="${view}"] [data-back]`,
  username: '[data-view="signin"] input[name="username"]',
  password: '[data-view="signin"] input[name="password"]',
  close: '#bps-close',
  leave: '#bps-leave',
  stay: '#bps-stay',
  stateIs: (state: string) => `document.body.dataset.state === ${JSON.stringify(state)}`,
} as const;

export const DEFAULT_WAIT_MS = 15_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it is truthy, for drivers without a wait of their own. */
export async function pollUntil(check: () => Promise<unknown>, what: string, timeoutMs = DEFAULT_WAIT_MS, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      // A page between two documents answers with an error: try again.
      lastError = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

/** The demo checkout's URL with the given query. */
export function checkoutUrl(stack: RunningStack, query: Record<string, string> = {}): string {
  const url = new URL(stack.demoUrl);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.toString();
}

/**
 * A page on the demo's origin with one button that opens the checkout in a new window,
 * for `{popup: true}`. A real click opens it, so no popup blocker stands in the way.
 */
export function openerPageUrl(stack: RunningStack): string {
  return new URL('/demo/elsewhere.html', stack.demoUrl).toString();
}

/** Adds the opener's button to the opener page (the driver then clicks it). */
export function addOpenerButton(target: string): string {
  return `(() => {
    const button = document.createElement('button');
    button.id = 'open-checkout';
    button.textContent = 'Open the checkout';
    button.addEventListener('click', () => { window.__bpsCheckout = window.open(${JSON.stringify(target)}, 'bps-checkout'); });
    document.body.prepend(button);
    return true;
  })()`;
}
