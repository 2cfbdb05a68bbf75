/**
 * The end-to-end abandonment and must-not-cancel cases in WebKitGTK, Safari's engine
 * (webdriverio over WebDriver classic, MiniBrowser on a private Xvfb display), against the
 * real stack. WebDriver classic closes a window without beforeunload: the tab-close cases
 * run as the page closing itself instead (see cases.ts).
 */
import { runEngineCases } from './cases.js';
import { launchWebKit } from './webkit.js';

runEngineCases('webkit', launchWebKit);
