/**
 * The package as a merchant gets it: built, packed, and the tarball installed into a folder of
 * the test's, where imports resolve as in a merchant's project.
 */
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, runOrThrow } from '../package/processes.js';

export const repo = fileURLToPath(new URL('../../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** `npm run build`, then `npm pack` into `destination`; returns the tarball's path. */
export async function packPackage(destination: string): Promise<string> {
  await runOrThrow(npm, ['run', 'build'], { cwd: repo });
  const packed = await runOrThrow(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], { cwd: repo });
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
  assert.ok(info, 'npm pack reported no tarball');
  return join(destination, info.filename);
}

/**
 * Installs packages (a tarball among them) into `folder`, whose package.json is left as it
 * is; devDependencies are left out. From npm's cache when it has them, else the registry.
 */
export async function installInto(folder: string, packages: string[]): Promise<void> {
  const args = ['install', '--no-audit', '--no-fund', '--no-save', '--no-package-lock', '--omit=dev', ...packages];
  const offline = await run(npm, [...args, '--offline'], { cwd: folder });
  if (offline.code !== 0) await runOrThrow(npm, [...args, '--prefer-offline'], { cwd: folder });
}

/** Copies a folder of the repository, leaving out what a checkout would not have. */
export function copyFromRepo(path: string, destination: string): void {
  const ignored = new Set(['node_modules', '.wrangler', '.dev.vars']);
  cpSync(join(repo, path), destination, { recursive: true, filter: (source) => !ignored.has(source.split(/[\\/]/).at(-1) ?? '') });
}
