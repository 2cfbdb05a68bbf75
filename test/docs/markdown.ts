/**
 * The little Markdown reading the docs tests need: fenced code blocks with their info string,
 * headings as GitHub turns them into anchors, and the links of the prose.
 */

export interface CodeBlock {
  /** The info string's first word: `ts`, `sh`, … */
  readonly lang: string;
  /** The words after it: `runnable`, `typecheck`, … */
  readonly flags: readonly string[];
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)(.*)$/;

/** The fenced code blocks, and the prose with every fenced block blanked out (lines kept). */
export function splitMarkdown(text: string): { blocks: CodeBlock[]; prose: string } {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  const prose: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) {
      prose.push(lines[i]!);
      continue;
    }
    const fence = open[1]!;
    const body: string[] = [];
    const start = i;
    prose.push('');
    for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence); i++) {
      body.push(lines[i]!);
      prose.push('');
    }
    prose.push('');
    blocks.push({ lang: open[2]!, flags: open[3]!.trim().split(/\s+/).filter(Boolean), code: body.join('\n'), line: start + 1 });
  }
  return { blocks, prose: prose.join('\n') };
}

/** The visible text of inline Markdown: code spans, links and emphasis reduced to their words. */
function plainText(inline: string): string {
  // Code spans keep their text as it is (a `<tag>` in code is text); the rest loses its markup.
  return inline
    .split(/(`[^`]*`)/)
    .map((part) =>
      part.startsWith('`') && part.endsWith('`') && part.length > 1
        ? part.slice(1, -1)
        : part.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '').replace(/(\*\*|__|\*)/g, ''),
    )
    .join('');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return plainText(heading).trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** Every anchor a file offers, with GitHub's `-1`, `-2`… for repeated headings. */
export function anchors(text: string): Set<string> {
  const found = new Set<string>();
  const counts = new Map<string, number>();
  for (const line of splitMarkdown(text).prose.split('\n')) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    const named = [...line.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)].map((match) => match[1]!);
    for (const id of named) found.add(id);
    if (!heading) continue;
    const base = slug(heading[1]!);
    const seen = counts.get(base) ?? 0;
    counts.set(base, seen + 1);
    found.add(seen === 0 ? base : `${base}-${seen}`);
  }
  return found;
}

export interface Link {
  readonly target: string;
  readonly line: number;
}

/** The links of the prose (inline, reference definitions, HTML href/src); code is never read. */
export function links(text: string): Link[] {
  const found: Link[] = [];
  splitMarkdown(text).prose.split('\n').forEach((raw, index) => {
    const line = raw.replace(/`[^`]*`/g, '');
    const patterns = [/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g, /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/g, /\b(?:href|src)="([^"]+)"/g];
    for (const pattern of patterns) for (const match of line.matchAll(pattern)) found.push({ target: match[1]!, line: index + 1 });
  });
  return found;
}
