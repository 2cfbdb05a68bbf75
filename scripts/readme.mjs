// Assembles README.md from docs/readme/*.md in name order (each part is owned by one area).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
const dir = new URL('../docs/readme/', import.meta.url);
const parts = readdirSync(dir).filter((name) => name.endsWith('.md')).sort();
writeFileSync(new URL('../README.md', import.meta.url), parts.map((name) => readFileSync(new URL(name, dir), 'utf8').trim()).join('\n\n') + '\n');
console.log(`README.md from ${parts.join(', ')}`);
