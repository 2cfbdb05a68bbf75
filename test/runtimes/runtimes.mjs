// The runtimes the relay is proven on besides this machine's Node, each pinned and installed
// once from the npm registry (their binaries ship in npm packages) into its own folder under
// .cache/runtimes, then reused while that folder is there. Never into the project's
// node_modules: a `node` package there would shadow the project's Node for every npm script.
//
//   BPS_RUNTIMES=bun,deno     only these (names below); default: all
//   BPS_RUNTIMES_CACHE=dir    where the installs live; default .cache/runtimes
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** @typedef {'node22' | 'node24' | 'node26' | 'bun' | 'deno' | 'wrangler'} RuntimeName */

/** @type {Record<RuntimeName, {label: string, package: string, version: string, bin: string}>} */
export const RUNTIMES = {
  node22: { label: 'Node 22', package: 'node', version: '22.23.3', bin: 'node' },
  node24: { label: 'Node 24', package: 'node', version: '24.21.0', bin: 'node' },
  node26: { label: 'Node 26', package: 'node', version: '26.10.0', bin: 'node' },
  bun: { label: 'Bun', package: 'bun', version: '1.4.5', bin: 'bun' },
  deno: { label: 'Deno', package: 'deno', version: '2.9.6', bin: 'deno' },
  // The last wrangler that runs on Node 20; workerd's binary ships inside its dependencies.
  wrangler: { label: 'workerd (wrangler)', package: 'wrangler', version: '4.80.0', bin: 'wrangler' },
};

/** The Node versions of the supported range other than the machine's, newest line last. */
export const OTHER_NODES = /** @type {RuntimeName[]} */ (['node22', 'node24', 'node26']).filter(
  (name) => Number(RUNTIMES[name].version.split('.')[0]) !== Number(process.versions.node.split('.')[0]),
);

/** True when BPS_RUNTIMES (comma-separated names) is unset or names this runtime. */
export function runtimeRequested(name) {
  const wanted = (process.env.BPS_RUNTIMES ?? '').split(',').map((item) => item.trim()).filter(Boolean);
  return wanted.length === 0 || wanted.includes(name);
}

export function cacheRoot() {
  return process.env.BPS_RUNTIMES_CACHE || join(repo, '.cache', 'runtimes');
}

/** Runs a command to completion; resolves with its exit code and combined output. */
function capture(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ code: -1, output: `${output}${error.message}` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const lastLines = (text, count = 15) => text.trim().split('\n').slice(-count).join('\n');

/**
 * The runtime's binary, installed first if needed. Throws an error that says what could not
 * be installed, from where, and npm's last lines.
 * @param {RuntimeName} name
 * @returns {Promise<{name: RuntimeName, label: string, version: string, bin: string, dir: string}>}
 */
export async function ensureRuntime(name) {
  const spec = RUNTIMES[name];
  if (!spec) throw new Error(`unknown runtime ${name} (known: ${Object.keys(RUNTIMES).join(', ')})`);
  const wanted = `${spec.package}@${spec.version}`;
  // The version is in the folder's name: a new pin installs afresh beside the old one.
  const dir = join(cacheRoot(), `${name}-${spec.version}`);
  const bin = join(dir, 'node_modules', '.bin', spec.bin);
  const marker = join(dir, 'installed.json');
  const found = { name, label: spec.label, version: spec.version, bin, dir };
  if (existsSync(marker) && existsSync(bin)) return found;

  // Installed beside and renamed into place, so an interrupted install is never taken for a good one.
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'package.json'), JSON.stringify({ name: `runtime-${name}`, private: true }));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const started = Date.now();
  const install = await capture(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', wanted], { cwd: staging });
  if (install.code !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`could not install ${wanted} from the npm registry into ${dir} (npm exited with ${install.code}):\n${lastLines(install.output)}`);
  }
  const stagedBin = join(staging, 'node_modules', '.bin', spec.bin);
  const check = await capture(stagedBin, ['--version'], { cwd: staging, env: { ...process.env, ...quietEnv(staging) } });
  if (check.code !== 0 || !check.output.includes(spec.version)) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`installed ${wanted}, but \`${spec.bin} --version\` answered (exit ${check.code}): ${lastLines(check.output, 5) || 'nothing'}`);
  }
  writeFileSync(join(staging, 'installed.json'), JSON.stringify({ package: wanted, seconds: (Date.now() - started) / 1000 }));
  rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(staging, dir);
  } catch (error) {
    // Another run finished the same install first: use that one.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(marker)) throw error;
  }
  console.log(`installed ${wanted} into ${dir} in ${JSON.parse(readFileSync(marker, 'utf8')).seconds} s`);
  return found;
}

/**
 * Environment that keeps the runtimes' CLIs offline and quiet: no telemetry, no update checks,
 * no error-report prompts, caches and logs inside `scratch`.
 * @param {string} scratch
 */
export function quietEnv(scratch) {
  return {
    DO_NOT_TRACK: '1',
    NO_UPDATE_NOTIFIER: '1',
    DENO_NO_UPDATE_CHECK: '1',
    DENO_NO_PROMPT: '1',
    DENO_DIR: join(scratch, '.deno'),
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_SEND_ERROR_REPORTS: 'false',
    // The banner is what checks npm for a newer wrangler.
    WRANGLER_HIDE_BANNER: 'true',
    WRANGLER_LOG_PATH: join(scratch, '.wrangler-logs'),
    WRANGLER_CACHE_DIR: join(scratch, '.wrangler-cache'),
    // Miniflare otherwise fetches Request.cf from workers.cloudflare.com at every start.
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  };
}
