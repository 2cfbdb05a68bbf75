/**
 * Section 1, size: minified, gzip and brotli bytes of each bundle, against the budgets.
 * Sizes are deterministic, so one build each is the figure (no spread to report).
 */
import { buildBundle, weigh } from './build.js';
import { BUNDLES, checkBudgets, type BudgetCheck, type BundleName, type BundleSize } from './bundles.js';

export interface SizeResults {
  readonly bundles: Record<BundleName, BundleSize & { readonly label: string }>;
  readonly budgets: BudgetCheck[];
}

/** Everything of Lit, by its module names; found in a bundle that should leave Lit external, it is a build mistake. */
const LIT_CODE = /lit-html|ReactiveElement/;

export async function measureSize(root: string, log: (line: string) => void): Promise<SizeResults> {
  const bundles = {} as SizeResults['bundles'];
  for (const spec of BUNDLES) {
    const code = await buildBundle(spec, root);
    if (spec.external.length > 0 && LIT_CODE.test(code)) throw new Error(`the ${spec.name} bundle contains Lit although Lit is external`);
    const size = weigh(code);
    bundles[spec.name] = { label: spec.label, ...size };
    log(`  ${spec.label}: ${size.minified} B min, ${size.gzip} B gzip, ${size.brotli} B brotli`);
  }
  return { bundles, budgets: checkBudgets(bundles) };
}
