#!/usr/bin/env node
// Command-line entry: `bank-pay-session sandbox | relay`. In a clone of the repository it runs
// the TypeScript sources through tsx, so a stale dist/ can never shadow them; the published
// package ships no sources and runs its build.
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import(new URL('../dist/cli.js', import.meta.url).href);
}
