/**
 * Builds what the bench pages load, from the current sources, before any browser opens
 * them: the element's self-contained file (the same build the size section weighs) and the
 * checkout page script.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleForBrowser } from '../lib/bundle.js';
import { buildBundle } from '../size/build.js';
import { BUNDLES } from '../size/bundles.js';

export async function buildPages(root: string): Promise<void> {
  mkdirSync(join(root, 'bench/out'), { recursive: true });
  const standalone = BUNDLES.find((bundle) => bundle.name === 'standalone')!;
  writeFileSync(join(root, 'bench/out/bank-pay-session.standalone.js'), await buildBundle(standalone, root));
  await bundleForBrowser(join(root, 'bench/pages/checkout.ts'), join(root, 'bench/out/checkout.js'));
}
