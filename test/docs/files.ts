/** The pages the docs tests read: the README and every Markdown file under docs/. */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

function markdownUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownUnder(path);
    return entry.name.endsWith('.md') ? [relative(ROOT, path)] : [];
  });
}

export const DOC_FILES: readonly string[] = ['README.md', ...markdownUnder(join(ROOT, 'docs')).sort()];
