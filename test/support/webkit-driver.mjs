// Starts what WebKitGTK needs to be driven: a private X server (MiniBrowser has no headless
// mode, and without a display its session request hangs without an error) and
// WebKitWebDriver on a free loopback port. `stop()` ends both; they are also ended if the
// Node process exits first, so a crashed run leaves no orphan behind.
//
// Xvfb is started directly rather than through xvfb-run: xvfb-run is a shell wrapper whose
// children outlive it when it is killed, whereas here each pid is ours to end.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { ENGINES } from './engines.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @returns {Promise<number>} a port nobody listens on right now */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Processes we started and have not ended yet; ended on exit in case stop() never ran. */
const running = new Set();

function killRunning() {
  for (const child of running) child.kill('SIGKILL');
}

/**
 * A signal ends Node without an 'exit' event, so the children are ended here too. When no
 * one else listens for the signal, it is raised again for Node's own default (the exit code
 * tells the signal); when someone does (web-test-runner stops gracefully on SIGINT), that
 * listener decides.
 */
function onSignal(signal) {
  killRunning();
  process.removeListener(signal, onSignal);
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function watchProcessEnd(on) {
  const method = on ? 'on' : 'removeListener';
  process[method]('exit', killRunning);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process[method](signal, onSignal);
}

function track(child) {
  if (running.size === 0) watchProcessEnd(true);
  running.add(child);
  child.once('exit', () => {
    running.delete(child);
    if (running.size === 0) watchProcessEnd(false);
  });
  return child;
}

function stopProcess(child, graceMs = 2000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Keeps the last lines a process printed, to explain why it failed to start. */
function tail(stream, lines = 20) {
  const kept = [];
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk) => {
    kept.push(...chunk.split('\n').filter(Boolean));
    kept.splice(0, Math.max(0, kept.length - lines));
  });
  return () => kept.join('\n');
}

/**
 * A new X server on the first free display; Xvfb itself picks it and writes its number to
 * the file descriptor given by -displayfd.
 */
async function startXvfb(xvfbPath, timeoutMs) {
  const child = track(
    spawn(xvfbPath, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    }),
  );
  const output = tail(child.stderr);
  const display = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb did not start within ${timeoutMs} ms:\n${output()}`)), timeoutMs);
    child.stdio[3].setEncoding('utf8');
    child.stdio[3].on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(`:${text.trim()}`);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${code}) before it was ready:\n${output()}`));
    });
  });
  return { child, display };
}

async function waitForDriver(url, child, output, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited (${child.exitCode}):\n${output()}`);
    try {
      const response = await fetch(`${url}/status`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(50);
  }
  throw new Error(`WebKitWebDriver did not answer on ${url} within ${timeoutMs} ms:\n${output()}`);
}

/**
 * @typedef {object} WebKitDriver
 * @property {string} hostname
 * @property {number} port
 * @property {string} url          the driver's base URL (WebDriver commands are under it)
 * @property {string} display      the X display MiniBrowser opens its windows on
 * @property {number} pid          WebKitWebDriver's process: MiniBrowser and its web processes run below it
 * @property {Record<string, unknown>} capabilities  what a new session asks for
 * @property {() => Promise<void>} stop
 */

/**
 * @param {{ paths?: Record<string, string>, startTimeoutMs?: number, browserArgs?: string[] }} [options]
 * @returns {Promise<WebKitDriver>}
 */
export async function startWebKitDriver({ paths = ENGINES.webkit.locate(), startTimeoutMs = 10_000, browserArgs = [] } = {}) {
  const xvfb = await startXvfb(paths.xvfb, startTimeoutMs);
  try {
    const hostname = '127.0.0.1';
    const port = await freePort();
    const driver = track(
      spawn(paths.driver, [`--port=${port}`, `--host=${hostname}`], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, DISPLAY: xvfb.display },
      }),
    );
    const url = `http://${hostname}:${port}`;
    await waitForDriver(url, driver, tail(driver.stderr), startTimeoutMs).catch(async (error) => {
      await stopProcess(driver);
      throw error;
    });
    return {
      hostname,
      port,
      url,
      display: xvfb.display,
      pid: driver.pid,
      capabilities: webkitCapabilities(paths.browser, browserArgs),
      async stop() {
        await stopProcess(driver);
        await stopProcess(xvfb.child);
      },
    };
  } catch (error) {
    await stopProcess(xvfb.child);
    throw error;
  }
}

/**
 * The session capabilities MiniBrowser needs: WebDriver classic (this driver has no BiDi, and
 * webdriverio 9 would otherwise try it), and `--automation` so the browser accepts a driver.
 */
export function webkitCapabilities(browserPath, extraArgs = []) {
  return {
    browserName: 'MiniBrowser',
    'wdio:enforceWebDriverClassic': true,
    'webkitgtk:browserOptions': { binary: browserPath, args: ['--automation', ...extraArgs] },
  };
}
