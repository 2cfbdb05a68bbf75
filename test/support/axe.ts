/** axe-core in a real page: the one way the browser tests audit accessibility. */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * axe's violations on the page as it is now, each as `rule (nodes): first target`. Injected for
 * each audit, since a navigation drops it; a page with a CSP needs a context with `bypassCSP`.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async () => {
    type Result = { violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> };
    const result = await (window as unknown as { axe: { run(): Promise<Result> } }).axe.run();
    return result.violations.map((violation) => `${violation.id} (${violation.nodes.length}): ${JSON.stringify(violation.nodes[0]?.target)}`);
  });
}
