/**
 * Every relative link in README.md and docs/** leads somewhere: the file exists inside the
 * repository, and an anchor names a heading of the page it points to.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { anchors, links, slug } from './markdown.js';
import { DOC_FILES, ROOT } from './files.js';

const EXTERNAL = /^([a-z][a-z0-9+.-]*:|\/\/)/i;

/** What is wrong with the links of `text`, a Markdown file at `file` (absolute). */
export function brokenLinks(file: string, text: string, read: (path: string) => string = (path) => readFileSync(path, 'utf8')): string[] {
  const problems: string[] = [];
  for (const { target, line } of links(text)) {
    if (EXTERNAL.test(target)) continue;
    const hash = target.indexOf('#');
    const pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
    const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const where = `${relative(ROOT, file)}:${line} → ${target}`;
    const resolved = pathPart === '' ? file : pathPart.startsWith('/') ? join(ROOT, pathPart) : resolve(dirname(file), pathPart);
    if (resolved !== ROOT && !resolved.startsWith(ROOT + sep)) {
      problems.push(`${where}: outside the repository`);
      continue;
    }
    if (resolved !== file && !existsSync(resolved)) {
      problems.push(`${where}: no such file`);
      continue;
    }
    if (anchor === undefined || anchor === '') continue;
    if (resolved !== file && (statSync(resolved).isDirectory() || !resolved.endsWith('.md'))) {
      problems.push(`${where}: an anchor into something that is not a Markdown page`);
      continue;
    }
    if (!anchors(resolved === file ? text : read(resolved)).has(anchor)) problems.push(`${where}: no heading with that anchor`);
  }
  return problems;
}

describe('links in the docs', () => {
  test('the checker finds a missing file, a missing anchor and a way out of the repository', () => {
    const file = join(ROOT, 'docs', 'example.md');
    const text = [
      '# Example page',
      '## Second heading',
      'Good: [here](#second-heading), [readme](../README.md), [repeat](#example-page).',
      'Bad: [gone](missing.md), [no anchor](#nowhere), [up](../../elsewhere/notes.md).',
      '```md',
      '[in code](not-checked.md)',
      '```',
    ].join('\n');
    const problems = brokenLinks(file, text);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems[0]!, /missing\.md: no such file/);
    assert.match(problems[1]!, /#nowhere: no heading/);
    assert.match(problems[2]!, /outside the repository/);
  });

  test('anchors are the ones GitHub makes', () => {
    assert.equal(slug('The element: `<bank-pay-session>`'), 'the-element-bank-pay-session');
    assert.equal(slug('Walk-through with curl: authorize → initiate → details → cancel'), 'walk-through-with-curl-authorize--initiate--details--cancel');
    assert.equal(slug("Choices where the provider's docs are silent"), 'choices-where-the-providers-docs-are-silent');
    assert.equal(slug('`POST /bank-pay/cancel`'), 'post-bank-paycancel');
    assert.equal(slug('**Bold** and [a link](x.md)'), 'bold-and-a-link');
    assert.deepEqual([...anchors('# Same\n## Same\n```\n# not a heading\n```\n### Same')], ['same', 'same-1', 'same-2']);
  });

  test('the pages under test exist', () => {
    assert.ok(DOC_FILES.includes('README.md'));
    assert.ok(DOC_FILES.includes(join('docs', 'README.md')));
    assert.ok(DOC_FILES.length >= 10, DOC_FILES.join(', '));
  });

  for (const name of DOC_FILES) {
    test(`${name}: every relative link and anchor resolves`, () => {
      const file = join(ROOT, name);
      assert.deepEqual(brokenLinks(file, readFileSync(file, 'utf8')), []);
    });
  }
});
