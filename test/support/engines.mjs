// The three browser engines the tests run in, how each is found on this machine, and which
// Debian packages bring a missing one. Nothing here downloads a browser: Debian's packages
// (or an explicit path in the environment) are the only source.
//
// A developer machine without an engine skips it with a message naming the package; with
// CI=true a missing engine is a failure, because CI must prove all three.
import { existsSync } from 'node:fs';
import { chromiumPath } from './chromium.mjs';

/** @typedef {'chromium' | 'firefox' | 'webkit'} EngineName */

/**
 * @typedef {object} EngineInfo
 * @property {EngineName} name
 * @property {string} label         what reports call it
 * @property {string[]} packages    Debian packages that bring it
 * @property {() => Record<string, string>} locate  the paths it needs; throws when one is missing
 */

const firstExisting = (candidates) => candidates.find((path) => path && existsSync(path));

/** One binary, from an environment variable when set (which must then exist), else the first candidate found. */
function binary(what, envName, candidates) {
  const fromEnv = process.env[envName];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${envName} is set to ${fromEnv}, which does not exist`);
    return fromEnv;
  }
  const found = firstExisting(candidates);
  if (!found) throw new Error(`no ${what} found (looked at ${candidates.join(', ')}; or set ${envName})`);
  return found;
}

/** @type {Record<EngineName, EngineInfo>} */
export const ENGINES = {
  chromium: {
    name: 'chromium',
    label: 'Chromium',
    packages: ['chromium'],
    locate: () => {
      try {
        return { executablePath: chromiumPath() };
      } catch (error) {
        // chromiumPath's own hint spans lines; keep its first line as the reason.
        throw new Error(String(error instanceof Error ? error.message : error).split('\n')[0].replace(/\s*Install.*$/, ''));
      }
    },
  },
  firefox: {
    name: 'firefox',
    label: 'Firefox ESR',
    packages: ['firefox-esr'],
    locate: () => ({ executablePath: binary('Firefox', 'FIREFOX_PATH', ['/usr/bin/firefox-esr', '/usr/lib/firefox-esr/firefox-esr', '/usr/bin/firefox']) }),
  },
  webkit: {
    name: 'webkit',
    label: 'WebKitGTK',
    packages: ['webkit2gtk-driver', 'xvfb', 'xauth'],
    locate: () => ({
      driver: binary('WebKitWebDriver', 'WEBKIT_WEBDRIVER_PATH', ['/usr/bin/WebKitWebDriver']),
      browser: binary('MiniBrowser', 'WEBKIT_MINIBROWSER_PATH', [
        '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
        '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
        '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.0/MiniBrowser',
        '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.0/MiniBrowser',
      ]),
      // MiniBrowser has no headless mode: it needs an X server, which Xvfb provides.
      xvfb: binary('Xvfb', 'XVFB_PATH', ['/usr/bin/Xvfb']),
    }),
  },
};

export const ENGINE_NAMES = /** @type {EngineName[]} */ (Object.keys(ENGINES));

/** True where every engine must be present (CI); elsewhere a missing engine is skipped. */
export function allEnginesRequired() {
  return process.env.CI === 'true' || process.env.BPS_REQUIRE_ALL_ENGINES === '1';
}

/**
 * The engines asked for: `BPS_ENGINES=chromium,firefox` narrows a run (say, while fixing one
 * engine); unset means all three.
 * @returns {EngineName[]}
 */
export function requestedEngines() {
  const raw = process.env.BPS_ENGINES?.trim();
  if (!raw) return [...ENGINE_NAMES];
  const names = raw.split(/[\s,]+/).filter(Boolean);
  const unknown = names.filter((name) => !(name in ENGINES));
  if (unknown.length > 0) throw new Error(`BPS_ENGINES names unknown engine(s) ${unknown.join(', ')}; known: ${ENGINE_NAMES.join(', ')}`);
  return /** @type {EngineName[]} */ (names);
}

/** What a developer reads when an engine is missing: what, why, and the command that fixes it. */
export function missingEngineMessage(name, reason) {
  const { label, packages } = ENGINES[name];
  return (
    `${label} is not available: ${reason}. Install Debian's package${packages.length > 1 ? 's' : ''} ${packages.join(' ')} with\n` +
    `  apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`
  );
}

/**
 * @typedef {{ name: EngineName, available: true, paths: Record<string, string> }
 *   | { name: EngineName, available: false, message: string }} EngineStatus
 */

/**
 * Where an engine stands on this machine.
 * @param {EngineName} name
 * @returns {EngineStatus}
 */
export function engineStatus(name) {
  try {
    return { name, available: true, paths: ENGINES[name].locate() };
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0].replace(/\.$/, '');
    return { name, available: false, message: missingEngineMessage(name, reason) };
  }
}
