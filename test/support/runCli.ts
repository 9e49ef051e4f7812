// Runs the CLI from source (no build needed): `node --import tsx test/support/runCli.ts <args>`.
import { runCli } from '../../src/cli/main.js';

process.exitCode = await runCli(process.argv.slice(2));
