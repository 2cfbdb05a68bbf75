/**
 * An example of examples/ run as a merchant runs it, as test/examples/support.ts does, but with
 * its install kept between runs in a gitignored cache: a Next.js install is a few hundred MB,
 * and a run after the first only re-installs the package itself (the tarball changed).
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runOrThrow } from '../../package/processes.js';
import { EXAMPLES, packPackage, REPO } from '../../examples/support.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Where the tarball and the installed examples are kept between runs (gitignored). */
export const CACHE = join(REPO, '.cache', 'frameworks');

/** What an install or a build leaves in an example's folder: never copied, kept in the cache. */
const GENERATED = new Set(['node_modules', '.next', 'next-env.d.ts', 'package-lock.json', '.env.local']);

/**
 * Builds and packs the package into the cache; the tarball is named by its content, so an
 * example's install sees a changed package as a new dependency. Older tarballs are removed.
 */
export async function packPackageByContent(): Promise<string> {
  mkdirSync(CACHE, { recursive: true });
  const packedPath = await packPackage(CACHE);
  const hash = createHash('sha256').update(readFileSync(packedPath)).digest('hex').slice(0, 12);
  const tarball = join(CACHE, `bank-pay-session-${hash}.tgz`);
  renameSync(packedPath, tarball);
  for (const name of readdirSync(CACHE)) if (name.endsWith('.tgz') && join(CACHE, name) !== tarball) rmSync(join(CACHE, name));
  return tarball;
}

/**
 * examples/<name> in the cache, installed with the given tarball; returns its folder. The
 * example's own files replace the previous copy's; what its install made is kept.
 */
export async function installExample(name: string, tarball: string): Promise<string> {
  const source = join(EXAMPLES, name);
  const target = join(CACHE, name);
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(target)) if (!GENERATED.has(entry)) rmSync(join(target, entry), { recursive: true, force: true });
  cpSync(source, target, {
    recursive: true,
    filter: (path) => !GENERATED.has(relative(source, path).split(/[\\/]/)[0] ?? ''),
  });
  const manifestPath = join(target, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { dependencies: Record<string, string> };
  manifest.dependencies['bank-pay-session'] = `file:${relative(target, tarball)}`;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  await runOrThrow(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: target });
  return target;
}

/**
 * Pinned packages installed into .cache/frameworks/<name>; a later run with the same pins
 * reuses them. Returns the folder (resolve from its package.json).
 */
export async function installPinned(name: string, dependencies: Record<string, string>): Promise<string> {
  const folder = join(CACHE, name);
  const manifestPath = join(folder, 'package.json');
  const manifest = `${JSON.stringify({ name: `cached-${name}`, private: true, dependencies }, null, 2)}\n`;
  const installed = existsSync(join(folder, 'node_modules')) && existsSync(manifestPath) && readFileSync(manifestPath, 'utf8') === manifest;
  if (installed) return folder;
  mkdirSync(folder, { recursive: true });
  writeFileSync(manifestPath, manifest);
  await runOrThrow(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: folder });
  return folder;
}
