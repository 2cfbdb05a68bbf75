/**
 * The end-to-end abandonment, must-not-cancel and popup-mode cases in WebKitGTK, Safari's engine
 * (webdriverio over WebDriver classic, MiniBrowser on a private Xvfb display), against the
 * real stack. WebDriver classic closes a window without beforeunload: the tab-close cases
 * run as the page closing itself instead (see cases.ts).
 */
import { CASE_LISTS, runEngineCases } from './cases.js';
import { POPUP_CASES } from './popup-cases.js';
import { launchWebKit } from './webkit.js';

runEngineCases('webkit', launchWebKit, { ...CASE_LISTS, 'popup mode': POPUP_CASES });
