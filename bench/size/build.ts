/** Builds one bundle in memory with the project's bundler and weighs it. */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, type Rollup } from 'vite';
import { keepRegistration } from '../../vite.config.js';
import type { BundleSize, BundleSpec } from './bundles.js';

/** The bundle's code: every chunk, so a split-off chunk is counted too. */
export async function buildBundle(spec: BundleSpec, root: string): Promise<string> {
  const output = (await build({
    configFile: false,
    logLevel: 'silent',
    root,
    plugins: [keepRegistration()],
    build: {
      write: false,
      target: 'es2022',
      lib: { entry: spec.entry, formats: ['es'], fileName: spec.name },
      rolldownOptions: {
        external: (id: string) => spec.external.some((pattern) => pattern.test(id)),
        // Library mode leaves whitespace in without this (Vite 8 / rolldown), as vite.config.ts notes.
        output: { minify: true },
      },
    },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[];
  return (Array.isArray(output) ? output : [output])
    .flatMap((result) => result.output)
    .map((chunk) => (chunk.type === 'chunk' ? chunk.code : ''))
    .join('');
}

export function weigh(code: string): BundleSize {
  const bytes = Buffer.from(code);
  return {
    minified: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
}
