/**
 * The Chromium every browser benchmark drives: the same binary and flags as the e2e tests,
 * except that the back/forward cache stays on. Playwright turns it off by default
 * (--disable-back-forward-cache), and then "entering the bfcache" would only ever be an unload.
 */
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../test/support/chromium.mjs';

export function launchBenchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
  });
}
