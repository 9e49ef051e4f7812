#!/usr/bin/env node
// Entry point of the `affectcast` command: runs the compiled CLI (scripts/setup.sh builds it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  console.error('affectcast is not built yet: run `npm start` (or `bash scripts/setup.sh run`) first.');
  process.exit(1);
}
const { runCli } = await import(main);
process.exitCode = await runCli(process.argv.slice(2));
