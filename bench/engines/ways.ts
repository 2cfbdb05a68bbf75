/**
 * The ways of abandoning a checkout that the engines section drives in Firefox and WebKitGTK,
 * through the same engine drivers as the engines test suite (test/e2e/engines). Keyed like
 * the Chromium kinds where they are the same action; `tabClosesItself` stands in for a
 * person's tab close where WebDriver classic cannot run `beforeunload` on close.
 */
import type { RunningStack } from '../../demo/stack.js';
import type { EngineDriver, EngineTab } from '../../test/e2e/engines/harness.js';
import { pollUntil } from '../../test/e2e/engines/harness.js';
import type { Variant } from '../delivery/variants.js';

export const ENGINE_WAYS = ['tabClose', 'tabClosesItself', 'contextClose', 'link', 'reload', 'bfcache', 'closeButton', 'spaRemoval'] as const;
export type EngineWay = (typeof ENGINE_WAYS)[number];

export interface EngineWaySpec {
  readonly label: string;
  /** The checkout is opened in a window another page opened by script, so it may close itself. */
  readonly popup?: boolean;
  /** The page is still open after the action: only a cancel before the trial closes it counts. */
  readonly pageStays?: boolean;
  /** The naive pages have no hook for it (not run, rate 0). */
  readonly noNaiveHandler?: string;
  /** Why this engine's driver cannot produce it, or undefined when it can. */
  readonly cannot?: (engine: EngineDriver) => string | undefined;
  leave(tab: EngineTab, stack: RunningStack, variant: Variant): Promise<void>;
}

export const ENGINE_WAY_SPECS: Readonly<Record<EngineWay, EngineWaySpec>> = {
  tabClose: {
    label: 'tab closed as a person does (beforeunload, then pagehide)',
    cannot: (engine) => (engine.capabilities.userTabClose ? undefined : 'WebDriver classic closes a window without beforeunload'),
    leave: (tab) => tab.closeAsUser(),
  },
  tabClosesItself: {
    label: 'the page closes itself (window.close(): beforeunload, then pagehide)',
    popup: true,
    leave: (tab) => tab.closeItself(),
  },
  contextClose: {
    label: 'window closed by the driver (pagehide only)',
    leave: (tab) => tab.closeByDriver(),
  },
  link: {
    label: 'link to another site',
    async leave(tab) {
      await tab.click('#leave-link');
      await pollUntil(async () => /elsewhere\.html/.test(await tab.url()), 'the link to be followed');
    },
  },
  reload: {
    label: 'reload',
    leave: (tab) => tab.reload(),
  },
  bfcache: {
    label: 'navigate away, same site (back/forward cache where the engine uses it)',
    leave: (tab, stack) => tab.goto(new URL('/bench/raw/elsewhere.html', stack.demoUrl).toString()),
  },
  closeButton: {
    label: 'close button',
    pageStays: true,
    leave: (tab, _stack, variant) => (variant === 'element' ? tab.clickPart('close-button') : tab.click('#close-button')),
  },
  spaRemoval: {
    label: 'SPA route change removes it',
    pageStays: true,
    noNaiveHandler: 'a route change unloads nothing: a naive page has no hook for it',
    leave: (tab) => tab.click('#spa-route'),
  },
};
