/**
 * The package as a merchant gets it: built, packed, and the tarball installed into a folder of
 * the test's, where imports resolve as in a merchant's project.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../examples/support.js';
import { run, runOrThrow } from '../package/processes.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// The build and `npm pack`: one helper for every suite that installs the tarball.
export { packPackage, REPO } from '../examples/support.js';

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
  cpSync(join(REPO, path), destination, { recursive: true, filter: (source) => !ignored.has(source.split(/[\\/]/).at(-1) ?? '') });
}
