// web-test-runner launchers for the three engines:
//   Chromium     Playwright (playwright-core, Debian's Chromium)
//   Firefox ESR  Puppeteer over WebDriver BiDi (Playwright cannot drive a stock Firefox)
//   WebKitGTK    WebDriver classic: WebKitWebDriver + MiniBrowser on a private Xvfb display,
//                started when the run starts and ended when it stops
import { playwrightLauncher } from '@web/test-runner-playwright';
import { puppeteerLauncher } from '@web/test-runner-puppeteer';
import { WebdriverLauncher } from '@web/test-runner-webdriver';
import { CHROMIUM_ARGS } from './chromium.mjs';
import { allEnginesRequired, engineStatus, ENGINES, requestedEngines } from './engines.mjs';
import { startWebKitDriver } from './webkit-driver.mjs';

/**
 * WebKitGTK through wtr's WebDriver launcher, which expects a driver already listening: this
 * one starts Xvfb and WebKitWebDriver in `initialize` (on a free port, known only then) and
 * ends them in `stop`, after the WebDriver session is gone.
 */
class WebKitGtkLauncher extends WebdriverLauncher {
  #paths;
  /** @type {import('./webkit-driver.mjs').WebKitDriver | undefined} */
  #driver;

  constructor(paths) {
    // Real options are known once the driver runs; the base class only needs capabilities now.
    super({ capabilities: { browserName: 'MiniBrowser' } });
    this.#paths = paths;
  }

  async initialize(config, testFiles) {
    // --javascript-can-open-windows-automatically: the popup-mode tests open windows by script.
    this.#driver = await startWebKitDriver({ paths: this.#paths, browserArgs: ['--javascript-can-open-windows-automatically=true'] });
    this.options = {
      automationProtocol: 'webdriver',
      hostname: this.#driver.hostname,
      port: this.#driver.port,
      path: '/',
      capabilities: this.#driver.capabilities,
    };
    await super.initialize(config, testFiles);
    this.name = ENGINES.webkit.label;
  }

  async stop() {
    // Ending the session closes MiniBrowser; should the driver not answer, stopping it (and
    // its X server) ends the browser all the same.
    await Promise.race([super.stop(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    await this.#driver?.stop();
    this.#driver = undefined;
  }
}

const LAUNCHERS = {
  chromium: ({ executablePath }) =>
    playwrightLauncher({ product: 'chromium', launchOptions: { executablePath, args: CHROMIUM_ARGS } }),
  firefox: ({ executablePath }) =>
    puppeteerLauncher({ launchOptions: { browser: 'firefox', executablePath, headless: true } }),
  webkit: (paths) => new WebKitGtkLauncher(paths),
};

/**
 * The launchers for every requested engine found on this machine, and a message for each one
 * that is not. Throws when an engine is missing where all are required (CI).
 * @returns {{ browsers: unknown[], missing: Array<{ name: string, label: string, message: string }> }}
 */
export function engineLaunchers() {
  const browsers = [];
  const missing = [];
  for (const name of requestedEngines()) {
    const status = engineStatus(name);
    if (status.available) browsers.push(LAUNCHERS[name](status.paths));
    else missing.push({ name, label: ENGINES[name].label, message: status.message });
  }
  if (missing.length > 0 && allEnginesRequired()) {
    throw new Error(`CI must run every engine, and this machine lacks some:\n${missing.map((m) => m.message).join('\n')}`);
  }
  for (const { message } of missing) console.warn(`\n⚠ Skipped. ${message}\n`);
  return { browsers, missing };
}
