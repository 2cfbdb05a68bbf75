/**
 * Running the examples/ merchants as a newcomer would: the package built and packed once, each
 * example copied to a scratch folder with the tarball as its `bank-pay-session`, installed by
 * npm or by a strict (non-hoisted) pnpm, and started with its own package.json scripts on
 * free ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, runOrThrow } from '../package/processes.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const EXAMPLES = join(REPO, 'examples');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Tools the tests install for themselves, kept between runs (gitignored). */
const TOOLS = join(REPO, '.cache/tools');
/** A pnpm release this registry serves for every platform (newer ones may not be). */
const PNPM_VERSION = '12.4.2';

export type PackageManager = 'npm' | 'pnpm';

export interface ExamplePackageJson {
  name: string;
  type?: string;
  scripts: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export function readExamplePackageJson(folder: string): ExamplePackageJson {
  return JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as ExamplePackageJson;
}

/** `npm run build` then `npm pack`: the tarball a merchant would install. */
export async function packPackage(destination: string): Promise<string> {
  await runOrThrow(npm, ['run', 'build'], { cwd: REPO });
  const packed = await runOrThrow(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], { cwd: REPO });
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
  if (!info) throw new Error('npm pack reported no tarball');
  return join(destination, info.filename);
}

/** The pnpm binary, installed from the npm registry into .cache/tools on first use. */
export async function pnpmBinary(): Promise<string> {
  const installed = join(TOOLS, 'node_modules/pnpm/package.json');
  const version = existsSync(installed) ? (JSON.parse(readFileSync(installed, 'utf8')) as { version: string }).version : undefined;
  if (version !== PNPM_VERSION) {
    mkdirSync(TOOLS, { recursive: true });
    const args = ['install', '--prefix', TOOLS, '--no-audit', '--no-fund', '--no-package-lock', '--save-exact', `pnpm@${PNPM_VERSION}`];
    const offline = await run(npm, [...args, '--offline'], { cwd: TOOLS });
    if (offline.code !== 0) await runOrThrow(npm, [...args, '--prefer-offline'], { cwd: TOOLS });
  }
  return join(TOOLS, 'node_modules/.bin/pnpm');
}

/**
 * Copies `examples/<name>` into `scratch`, points its `bank-pay-session` dependency at the
 * tarball (the only change), and installs it. Returns the example's folder.
 */
export async function installExample(name: string, scratch: string, tarball: string, manager: PackageManager): Promise<string> {
  const folder = join(scratch, name);
  cpSync(join(EXAMPLES, name), folder, { recursive: true, filter: (source) => !/[\\/]node_modules([\\/]|$)/.test(source) });
  const manifest = readExamplePackageJson(folder);
  if (!manifest.dependencies?.['bank-pay-session']) throw new Error(`examples/${name} does not depend on bank-pay-session`);
  manifest.dependencies['bank-pay-session'] = `file:${tarball}`;
  writeFileSync(join(folder, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (manager === 'npm') {
    const args = ['install', '--no-audit', '--no-fund', '--no-package-lock'];
    const offline = await run(npm, [...args, '--offline'], { cwd: folder });
    if (offline.code !== 0) await runOrThrow(npm, [...args, '--prefer-offline'], { cwd: folder });
  } else {
    // pnpm's defaults are the strict layout (only declared dependencies resolve from the
    // example); under CI=true it would insist on a lockfile the example does not ship.
    const store = join(TOOLS, 'pnpm-store');
    await runOrThrow(await pnpmBinary(), ['install', '--no-frozen-lockfile', '--prefer-offline', '--reporter=append-only', '--store-dir', store], {
      cwd: folder,
    });
  }
  return folder;
}

export interface RunningProcess {
  /** Everything printed so far, stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `command` in its own process group (a package manager's script runs a shell that runs
 * node: stopping the group stops them all) and resolves once its output matches `ready`.
 */
export async function startProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; ready: RegExp; timeoutMs?: number },
): Promise<RunningProcess> {
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const stop = async () => {
    if (exited || child.pid === undefined) return;
    process.kill(-child.pid, 'SIGTERM');
    const killed = setTimeout(() => !exited && child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 5000);
    await exit;
    clearTimeout(killed);
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')} was not ready in time:\n${output}`)), options.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (options.ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(' ')} exited before it was ready:\n${output}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { output: () => output, stop };
}

/** `npm run <script> -- <args>` / `pnpm run <script> <args>`: the example's own script. */
export function scriptCommand(manager: PackageManager, pnpm: string | undefined, script: string, args: string[] = []): [string, string[]] {
  if (manager === 'npm') return [npm, ['run', script, ...(args.length > 0 ? ['--', ...args] : [])]];
  if (!pnpm) throw new Error('pnpm is not installed');
  return [pnpm, ['run', script, ...args]];
}

/** The variables of an example's env file, as the example's `start` script gives them to Node. */
export function readEnvFile(path: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}
