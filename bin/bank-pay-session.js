#!/usr/bin/env node
// Command-line entry: `bank-pay-session sandbox | relay`. Runs the built code when the
// package is installed, and the TypeScript sources (through tsx) in a clone of the repo.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli.ts', import.meta.url).href);
}
