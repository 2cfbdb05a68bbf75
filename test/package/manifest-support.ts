/**
 * Reading custom-elements.json, and regenerating it in memory with the project's analyzer
 * config, for the tests that hold the manifest, the code and the wrappers to each other.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = new URL('../../', import.meta.url);
export const COMMITTED_MANIFEST_PATH = new URL('custom-elements.json', REPO_ROOT);

/** The parts of the custom-elements manifest schema these tests read. */
export interface ManifestEntry {
  name: string;
  description?: string;
  fieldName?: string;
  type?: { text: string };
}

export interface ManifestDeclaration {
  kind: string;
  name: string;
  tagName?: string;
  customElement?: boolean;
  summary?: string;
  attributes?: ManifestEntry[];
  events?: ManifestEntry[];
  cssParts?: ManifestEntry[];
  cssProperties?: ManifestEntry[];
}

export interface ManifestExport {
  kind: 'js' | 'custom-element-definition';
  name: string;
  declaration: { name: string; module?: string; package?: string };
}

export interface ManifestModule {
  kind: string;
  path: string;
  declarations?: ManifestDeclaration[];
  exports?: ManifestExport[];
}

export interface Manifest {
  schemaVersion: string;
  modules: ManifestModule[];
}

export function readCommittedManifest(): Manifest {
  return JSON.parse(readFileSync(COMMITTED_MANIFEST_PATH, 'utf8')) as Manifest;
}

/** The `<bank-pay-session>` declaration; throws when the manifest has none. */
export function elementDeclaration(manifest: Manifest): ManifestDeclaration {
  const found = manifest.modules
    .flatMap((module) => module.declarations ?? [])
    .find((declaration) => declaration.customElement && declaration.tagName === 'bank-pay-session');
  if (!found) throw new Error('custom-elements.json declares no <bank-pay-session> element');
  return found;
}

type AnalyzerCli = (options: { argv: string[]; cwd: string; noWrite: boolean }) => Promise<Manifest>;

/** What `npm run analyze` would write, without writing it. */
export async function generateManifest(): Promise<Manifest> {
  // The analyzer ships no types for its CLI module; a variable specifier keeps TypeScript from
  // looking for them, and the shape used is declared just above.
  const cliModule = '@custom-elements-manifest/analyzer/cli.js';
  const { cli } = (await import(cliModule)) as { cli: AnalyzerCli };
  return cli({ argv: ['analyze', '--quiet'], cwd: fileURLToPath(REPO_ROOT), noWrite: true });
}
