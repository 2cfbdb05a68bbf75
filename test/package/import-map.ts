/**
 * An import map for a page without a bundler: each bare package name points at the file its
 * package.json `exports` gives a browser in production, and `name/` at the package folder (Lit's
 * subpath exports are the files of the same name). Only what these tests load is handled.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type ExportTarget = string | { readonly [condition: string]: ExportTarget } | null | undefined;

const BROWSER_CONDITIONS = ['browser', 'import', 'default'];

/** The path a browser bundler in production picks for one `exports` entry. */
export function browserTarget(target: ExportTarget): string | undefined {
  if (typeof target === 'string' || target == null) return target ?? undefined;
  for (const condition of BROWSER_CONDITIONS) {
    if (condition in target) return browserTarget(target[condition]);
  }
  return undefined;
}

/** The URL path of a package subpath (`.`, `./define`) under `/node_modules`, from its exports. */
export function exportedPath(nodeModules: string, packageName: string, subpath: string): string {
  const manifest = JSON.parse(readFileSync(join(nodeModules, packageName, 'package.json'), 'utf8')) as {
    exports?: Record<string, ExportTarget>;
    main?: string;
  };
  const target = manifest.exports ? browserTarget(manifest.exports[subpath]) : subpath === '.' ? manifest.main : undefined;
  if (!target) throw new Error(`${packageName} exports nothing for "${subpath}" in a browser`);
  return `/node_modules/${packageName}/${target.replace(/^\.\//, '')}`;
}

export function importMap(nodeModules: string, packageNames: readonly string[]): { imports: Record<string, string> } {
  const imports: Record<string, string> = {};
  for (const name of packageNames) {
    imports[name] = exportedPath(nodeModules, name, '.');
    imports[`${name}/`] = `/node_modules/${name}/`;
  }
  return { imports };
}
