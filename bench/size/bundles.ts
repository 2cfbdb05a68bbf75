/**
 * What the size benchmark builds, and the budgets it enforces. Built the way the package is
 * (vite.config.ts: Vite / rolldown, minified ES modules), but in memory and from the sources,
 * so the figures do not depend on the dist/ layout.
 */

/** `lit`, `lit/decorators.js`, `@lit/reactive-element`, `lit-html/…`: everything of Lit. */
const LIT = /^(lit|lit-html|lit-element|@lit\/reactive-element)(\/|$)/;
const REACT = /^react(-dom)?(\/|$)/;
const VUE = /^vue(\/|$)/;
/** The element's own modules, seen from a wrapper (to measure what the wrapper adds on its own). */
const ELEMENT_MODULES = /(^|\/)element\/[^/]+\.js$/;

export type BundleName = 'element' | 'elementApi' | 'standalone' | 'react' | 'reactOwn' | 'vue' | 'vueOwn' | 'lit';

export interface BundleSpec {
  readonly name: BundleName;
  readonly label: string;
  /** Entry, relative to the repository root. */
  readonly entry: string;
  /** Imports left out of the bundle (the merchant's bundler provides them once). */
  readonly external: readonly RegExp[];
}

export const BUNDLES: readonly BundleSpec[] = [
  // What `import 'bank-pay-session/define'` puts in a merchant's bundle: the class and its registration.
  { name: 'element', label: 'element alone (Lit external)', entry: 'src/element/define.ts', external: [LIT] },
  // The same plus every other export of the package root (event classes, constants), for reference.
  { name: 'elementApi', label: 'element with its whole public API (Lit external)', entry: 'bench/size/entries/element-api.ts', external: [LIT] },
  { name: 'standalone', label: 'self-contained single file (Lit inlined)', entry: 'src/element/define.ts', external: [] },
  { name: 'react', label: 'React wrapper with the element (Lit, React external)', entry: 'src/react/index.ts', external: [LIT, REACT, VUE] },
  { name: 'reactOwn', label: 'React wrapper, its own code (element external too)', entry: 'src/react/index.ts', external: [LIT, REACT, VUE, ELEMENT_MODULES] },
  { name: 'vue', label: 'Vue wrapper with the element (Lit, Vue external)', entry: 'src/vue/index.ts', external: [LIT, REACT, VUE] },
  { name: 'vueOwn', label: 'Vue wrapper, its own code (element external too)', entry: 'src/vue/index.ts', external: [LIT, REACT, VUE, ELEMENT_MODULES] },
  { name: 'lit', label: 'Lit by itself (reference)', entry: 'bench/size/entries/lit.ts', external: [] },
];

/** The budgets, in bytes after gzip (1 KB = 1024 bytes): 4 and 10 KB before the popup mode and the lease. */
export const GZIP_BUDGETS: Partial<Record<BundleName, number>> = {
  element: 5 * 1024,
  standalone: 11 * 1024,
};

export interface BundleSize {
  readonly minified: number;
  readonly gzip: number;
  readonly brotli: number;
}

export interface BudgetCheck {
  readonly bundle: BundleName;
  readonly gzip: number;
  readonly budget: number;
  readonly ok: boolean;
}

export function checkBudgets(sizes: Partial<Record<BundleName, BundleSize>>): BudgetCheck[] {
  return Object.entries(GZIP_BUDGETS).map(([bundle, budget]) => {
    const gzip = sizes[bundle as BundleName]?.gzip ?? Number.POSITIVE_INFINITY;
    return { bundle: bundle as BundleName, gzip, budget: budget!, ok: gzip <= budget! };
  });
}
