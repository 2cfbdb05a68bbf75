/** Bundles a Node entry to plain JavaScript (packages stay imports), so it runs without a TypeScript loader. */
import { build } from 'esbuild';

export async function bundleForNode(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  return outfile;
}
