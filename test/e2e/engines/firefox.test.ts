/**
 * The end-to-end abandonment and must-not-cancel cases in Firefox ESR (puppeteer-core over
 * WebDriver BiDi), default preferences, against the real stack.
 */
import { runEngineCases } from './cases.js';
import { launchFirefox } from './firefox.js';

runEngineCases('firefox', launchFirefox);
