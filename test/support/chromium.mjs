// Finds the Chromium that the tests drive. Nothing here downloads a browser:
// Debian's package (or CHROME_PATH) is the only source.
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/lib/chromium/chromium', '/usr/bin/chromium-browser'];

export const INSTALL_HINT =
  'No Chromium found. Install Debian\'s Chromium with\n' +
  '  apt-get update && apt-get install -y --no-install-recommends chromium\n' +
  'or point CHROME_PATH at a Chromium or Chrome binary.';

/** @returns {string} the path of a Chromium binary, or throws with an install hint */
export function chromiumPath() {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROME_PATH is set to ${fromEnv}, which does not exist.\n${INSTALL_HINT}`);
    return fromEnv;
  }
  const found = CANDIDATES.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(INSTALL_HINT);
  return found;
}

/** Flags that keep Chromium quiet on a machine without outside network. */
export const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
