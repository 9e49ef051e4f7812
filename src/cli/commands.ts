// Every command of `affectcast`, in the order help lists them.
import type { CommandSpec } from './command.js';
import { defineCommand } from './command.js';
import { CONFIG_OPTIONS } from './options.js';
import { serveCommand } from './serve.js';
import { analyzeCommand } from './analyze.js';
import { exportCommand } from './export.js';
import { modelsCliCommand } from './models.js';
import { tokenCommand } from './token.js';

/** bench parses its own arguments (src/cli/bench.ts); this table documents them for --help. */
const benchCommand = defineCommand({
  name: 'bench',
  synopsis: ['[options]'],
  summary: "measure the analyzer on this machine (stages, streams per machine, the paper's network) as JSON",
  description:
    "Measures the analyzer on this machine (stage times, streams per machine, the paper's network) and writes the " +
    'results as JSON to stdout and to a file.',
  options: {
    input: { type: 'string', placeholder: 'FILE', help: 'image or video to analyse', shownDefault: "face-api's sample photo" },
    frames: { type: 'string', placeholder: 'N', help: 'frames per measurement (at least 5)', shownDefault: '60' },
    streams: { type: 'string', placeholder: 'LIST', help: 'stream counts to measure, comma-separated', shownDefault: '1,2,4' },
    out: { type: 'string', placeholder: 'FILE', help: 'where to write the JSON', shownDefault: 'bench/results/bench-<time>.json' },
    ...CONFIG_OPTIONS,
  },
  maxPositionals: 0,
  parsesOwnArgs: true,
  run: async ({ argv }) => {
    const { benchCommand: bench } = await import('./bench.js');
    return await bench(argv);
  },
});

export const COMMANDS: readonly CommandSpec[] = [serveCommand, analyzeCommand, benchCommand, tokenCommand, exportCommand, modelsCliCommand];
