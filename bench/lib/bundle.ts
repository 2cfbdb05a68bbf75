/** esbuild bundles of the bench's own code: server children run with plain `node`, page scripts served as they are. */
import { build } from 'esbuild';

/** Packages stay imports (resolved from node_modules at run time); no TypeScript loader needed. */
export async function bundleForNode(entry: string, outfile: string): Promise<string> {
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'silent' });
  return outfile;
}

/** One self-contained ES module for a page; dynamic imports of URLs stay as they are. */
export async function bundleForBrowser(entry: string, outfile: string): Promise<string> {
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'browser', format: 'esm', target: 'es2022', logLevel: 'silent' });
  return outfile;
}
