/**
 * Code blocks in the docs that say they work, do. A fence's info string marks them:
 *
 *   ```ts runnable     type-checked, then run with Node; it must exit 0 (it starts its own sandbox)
 *   ```ts typecheck    type-checked only (browser code, or code that needs a merchant's server)
 *
 * Imports of `bank-pay-session/…` are pointed at this repository's sources, through the same
 * `exports` map a merchant's resolver reads.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { splitMarkdown, type CodeBlock } from './markdown.js';
import { DOC_FILES, ROOT } from './files.js';

const OUT = join(ROOT, 'test-results', 'docs-blocks');
const MARKERS = ['runnable', 'typecheck'] as const;
type Marker = (typeof MARKERS)[number];

interface MarkedBlock extends CodeBlock {
  readonly page: string;
  readonly marker: Marker;
  readonly file: string;
}

/** `bank-pay-session/relay` → the source file its declarations are built from (`src/relay/index.ts`). */
function packageEntries(): Map<string, string> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; exports: Record<string, string | { types?: string }> };
  const entries = new Map<string, string>();
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target !== 'object' || !target.types) continue;
    const source = target.types.replace(/^\.\/dist\/types\//, 'src/').replace(/\.d\.ts$/, '.ts');
    entries.set(subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`, join(ROOT, source));
  }
  return entries;
}

function pointAtSources(code: string, entries: Map<string, string>): string {
  return code.replace(/(from\s+|import\s*\(\s*|import\s+)(['"])(bank-pay-session(?:\/[\w/-]+)?)\2/g, (whole, keyword: string, quote: string, specifier: string) => {
    const source = entries.get(specifier);
    if (!source) throw new Error(`the docs import ${specifier}, which the package does not export`);
    return `${keyword}${quote}${relative(OUT, source).replace(/\.ts$/, '.js')}${quote}`;
  });
}

function markedBlocks(): MarkedBlock[] {
  const found: MarkedBlock[] = [];
  for (const page of DOC_FILES) {
    for (const block of splitMarkdown(readFileSync(join(ROOT, page), 'utf8')).blocks) {
      const marker = MARKERS.find((candidate) => block.flags.includes(candidate));
      if (!marker) continue;
      const name = `${page.replace(/[/\\.]/g, '_')}_L${block.line}.${block.lang === 'tsx' ? 'tsx' : 'ts'}`;
      found.push({ ...block, page, marker, file: join(OUT, name) });
    }
  }
  return found;
}

const blocks = markedBlocks();

describe('code blocks marked runnable or typecheck', () => {
  test('they are TypeScript, and the docs have some of each kind', () => {
    for (const block of blocks) assert.ok(['ts', 'tsx'].includes(block.lang), `${block.page}:${block.line} is ${block.lang}`);
    assert.ok(blocks.filter((block) => block.marker === 'runnable').length >= 2, 'runnable blocks');
    assert.ok(blocks.filter((block) => block.marker === 'typecheck').length >= 2, 'typecheck blocks');
  });

  before(() => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const entries = packageEntries();
    for (const block of blocks) {
      const code = pointAtSources(block.code, entries);
      // A block without an import or export is still its own module.
      writeFileSync(block.file, `// ${block.page}:${block.line}\n${code}\n${/^\s*(import|export)\s/m.test(code) ? '' : 'export {};\n'}`);
    }
    writeFileSync(join(OUT, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', include: ['*.ts', '*.tsx'] }, null, 2));
  });

  test('every one type-checks against the sources (strict, as the project)', () => {
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', OUT], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(tsc.status, 0, `tsc found errors:\n${tsc.stdout}${tsc.stderr}`);
  });

  for (const block of blocks.filter((candidate) => candidate.marker === 'runnable')) {
    test(`${block.page}:${block.line} runs`, () => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', block.file], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      assert.equal(run.status, 0, `${basename(block.file)} exited ${run.status ?? run.signal}:\n${run.stdout}${run.stderr}`);
    });
  }
});
