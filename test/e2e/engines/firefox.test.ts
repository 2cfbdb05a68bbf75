/**
 * The end-to-end abandonment, must-not-cancel and popup-mode cases in Firefox ESR (puppeteer-core over
 * WebDriver BiDi), default preferences, against the real stack.
 */
import { CASE_LISTS, runEngineCases } from './cases.js';
import { POPUP_CASES } from './popup-cases.js';
import { launchFirefox } from './firefox.js';

runEngineCases('firefox', launchFirefox, { ...CASE_LISTS, 'popup mode': POPUP_CASES });
