/**
 * Section 1, size: minified, gzip and brotli bytes of each bundle, against the budgets.
 * Sizes are deterministic, so one build each is the figure (no spread to report).
 * Also writes the standalone file to bench/out/, where the first-paint page loads it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBundle, weigh } from './build.js';
import { BUNDLES, checkBudgets, type BudgetCheck, type BundleName, type BundleSize } from './bundles.js';

export interface SizeResults {
  readonly bundles: Record<BundleName, BundleSize & { readonly label: string }>;
  readonly budgets: BudgetCheck[];
}

export const STANDALONE_OUTPUT = 'bench/out/bank-pay-session.standalone.js';

/** Builds only the standalone file, for runs that need the pages but skip the size section. */
export async function buildStandalone(root: string): Promise<void> {
  const spec = BUNDLES.find((bundle) => bundle.name === 'standalone')!;
  mkdirSync(join(root, 'bench/out'), { recursive: true });
  writeFileSync(join(root, STANDALONE_OUTPUT), await buildBundle(spec, root));
}

export async function measureSize(root: string, log: (line: string) => void): Promise<SizeResults> {
  const bundles = {} as SizeResults['bundles'];
  for (const spec of BUNDLES) {
    const code = await buildBundle(spec, root);
    if (spec.external.length > 0 && /lit-html|ReactiveElement/.test(code) && spec.name !== 'lit') {
      throw new Error(`the ${spec.name} bundle contains Lit although Lit is external`);
    }
    if (spec.name === 'standalone') {
      mkdirSync(join(root, 'bench/out'), { recursive: true });
      writeFileSync(join(root, STANDALONE_OUTPUT), code);
    }
    const size = weigh(code);
    bundles[spec.name] = { label: spec.label, ...size };
    log(`  ${spec.label}: ${size.minified} B min, ${size.gzip} B gzip, ${size.brotli} B brotli`);
  }
  return { bundles, budgets: checkBudgets(bundles) };
}
