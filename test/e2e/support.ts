/**
 * End-to-end support: the same stack `npm start` runs (on free ports), a real Chromium, and
 * the truth read back from the sandbox's inspection endpoint.
 */
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { startStackOnFreePorts, type RunningStack, type StackOptions } from '../../demo/stack.js';
import { chromiumPath, CHROMIUM_ARGS } from '../support/chromium.mjs';

export interface SandboxSessionRecord {
  session: { sessionId: string; status: string; statusDetails: string; [key: string]: unknown };
  history: Array<{ at: string; type: string; httpStatus?: number; outcome?: string }>;
  cancelCalls: number;
}

/** Every line the relay logged (audit lines and webhooks), to explain a failure. */
export const relayLog: Array<Record<string, unknown>> = [];

export function relayLogFor(sessionId: string): string {
  return JSON.stringify(relayLog.filter((line) => line.sessionId === sessionId));
}

export async function startE2EStack(options: StackOptions = {}): Promise<RunningStack> {
  return startStackOnFreePorts({
    quiet: true,
    watch: false,
    log: (line) => relayLog.push(line),
    ...options,
  });
}

export async function launchChromium(): Promise<Browser> {
  // Playwright turns the back/forward cache off by default; shoppers' browsers have it on.
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, ignoreDefaultArgs: ['--disable-back-forward-cache'] });
}

export interface E2EEnvironment {
  readonly stack: RunningStack;
  readonly browser: Browser;
}

/** One stack and one Chromium for a test file: started before its tests, stopped after. */
export function useStackAndChromium(options: StackOptions = {}): E2EEnvironment {
  const env = {} as { stack: RunningStack; browser: Browser };
  before(async () => {
    env.stack = await startE2EStack(options);
    env.browser = await launchChromium();
  });
  after(async () => {
    await env.browser?.close();
    await env.stack?.close();
  });
  return env;
}

export async function sandboxSession(stack: Pick<RunningStack, 'sandboxUrl'>, sessionId: string): Promise<SandboxSessionRecord> {
  const response = await fetch(`${stack.sandboxUrl}/sandbox/sessions/${sessionId}`);
  if (!response.ok) throw new Error(`sandbox answered ${response.status} for session ${sessionId}`);
  return (await response.json()) as SandboxSessionRecord;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the sandbox until the session is cancelled (close() resolves before a beacon lands). */
export async function waitForCancelled(stack: Pick<RunningStack, 'sandboxUrl'>, sessionId: string, timeoutMs = 8000): Promise<SandboxSessionRecord> {
  const deadline = Date.now() + timeoutMs;
  let record = await sandboxSession(stack, sessionId);
  while (!/^cancell?ed$/i.test(record.session.status) && Date.now() < deadline) {
    await sleep(100);
    record = await sandboxSession(stack, sessionId);
  }
  return record;
}

/** When the sandbox handled the session's first cancel call, in epoch ms. */
export function firstCancelAt(record: SandboxSessionRecord): number | undefined {
  const entry = record.history.find((item) => item.type === 'cancel');
  return entry ? Date.parse(entry.at) : undefined;
}

/**
 * What made the session's cancel, from the relay's audit line: the page's `reason`
 * (`page-unload`, `page-gone` for the browser's deferred fetch, ...) or `lease` for the
 * relay's sweeper, with the ledger `rule` that acted.
 */
export function cancelCause(sessionId: string): { reason: string; rule: string } | undefined {
  const line = relayLog.find((entry) => entry.sessionId === sessionId && entry.type === 'bank-pay.cancel');
  return line ? { reason: String(line.reason), rule: String(line.rule) } : undefined;
}

/**
 * Gives a wrongly sent cancel every chance to arrive, then returns what the sandbox saw.
 * Loopback beacons land within tens of milliseconds; two seconds is generous.
 */
export async function settleThenRead(stack: RunningStack, sessionId: string, settleMs = 2000): Promise<SandboxSessionRecord> {
  await sleep(settleMs);
  return sandboxSession(stack, sessionId);
}

export interface OpenCheckout {
  page: Page;
  sessionId: string;
  consoleErrors: string[];
}

/** Opens the demo checkout and waits until the hosted flow is mounted inside the element. */
export async function openCheckout(
  context: BrowserContext,
  stack: RunningStack,
  query: Record<string, string> = {},
  path = '/',
): Promise<OpenCheckout> {
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  const url = new URL(path, stack.demoUrl);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  await page.goto(url.toString());
  await page.waitForFunction(() => document.querySelector('bank-pay-session')?.getAttribute('state') === 'active', undefined, {
    timeout: 15_000,
  });
  const sessionId = await page.evaluate(() => window.__bpsDemo?.session.sessionId ?? '');
  if (!sessionId) throw new Error('the demo page created no session');
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) relayLog.push({ sessionId, event: 'page-navigated', url: frame.url(), consoleErrors });
  });
  page.on('console', (message) => relayLog.push({ sessionId, event: 'console', text: message.text() }));
  return { page, sessionId, consoleErrors };
}

export async function elementState(page: Page): Promise<string | null> {
  return page.evaluate(() => document.querySelector('bank-pay-session')?.getAttribute('state') ?? null);
}

export function isCancelled(status: string): boolean {
  return /^cancell?ed$/i.test(status);
}

/** The hosted flow framed on the page (inside the element or a plain iframe), once it shows its first step. */
export async function hostedFrame(page: Page): Promise<Frame> {
  const frame = await (await page.locator('iframe').first().elementHandle())?.contentFrame();
  if (!frame) throw new Error('no hosted flow frame on the page');
  await frame.waitForSelector('body[data-state="bank"]');
  return frame;
}

/** The sandbox's hosted flow in English, from the bank choice to the review step (no payment yet). */
export async function walkToReview(frame: Frame): Promise<void> {
  await frame.getByRole('button', { name: 'Continue' }).click();
  await frame.getByLabel('Username').fill('shopper');
  await frame.getByLabel('Password').fill('correct horse');
  await frame.getByRole('button', { name: 'Continue' }).click();
  await frame.getByRole('button', { name: 'Continue' }).click();
  await frame.waitForSelector('body[data-state="review"]');
}

/** From the bank choice to an authorized payment. */
export async function completeHostedFlow(frame: Frame): Promise<void> {
  await walkToReview(frame);
  await frame.getByRole('button', { name: 'Authorize payment' }).click();
}

/**
 * Hides or shows the page as a tab switch does. Chromium driven by Playwright keeps every page
 * "visible", even behind another tab or in a minimized window (tried here), so the page's
 * visibility is overridden for real code to read and the browser's own visibilitychange event is
 * dispatched. A string, not a function: tsx would wrap functions in helpers the page lacks.
 */
export function setPageVisibility(page: Page, state: 'hidden' | 'visible'): Promise<unknown> {
  return page.evaluate(`Object.defineProperty(document, 'visibilityState', { configurable: true, get: function () { return '${state}'; } });
    Object.defineProperty(document, 'hidden', { configurable: true, get: function () { return ${state === 'hidden'}; } });
    document.dispatchEvent(new Event('visibilitychange'));`);
}
