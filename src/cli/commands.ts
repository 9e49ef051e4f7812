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
  summary: 'measure this machine: live streams per machine and latency, and faces/s side by side with @vladmandic/human',
  description:
    'Starts a server fed by synthetic RTP publishers (a clip made from a public-domain photo) at a ladder of stream ' +
    'counts until the slowest stream falls below --min-fps, and runs the analyzer and @vladmandic/human side by side on ' +
    'the same frames. Prints a table and writes bench/results/latest.json plus a dated copy (README, bench/README.md).',
  options: {
    streams: { type: 'string', placeholder: 'LIST', help: 'rising stream counts of the ladder, comma-separated', shownDefault: '1,2,4,8,12,16,20,24,28,32,40,48' },
    'min-fps': { type: 'string', placeholder: 'FPS', help: 'the ladder stops at the first count whose slowest stream analyses fewer', shownDefault: '5' },
    window: { type: 'string', placeholder: 'S', help: 'seconds measured at each count', shownDefault: '10' },
    warmup: { type: 'string', placeholder: 'S', help: 'seconds before measuring at each count', shownDefault: '3' },
    frames: { type: 'string', placeholder: 'N', help: 'decoded frames for the side-by-side comparison', shownDefault: '60' },
    'send-fps': { type: 'string', placeholder: 'FPS', help: 'frame rate the synthetic publishers send at', shownDefault: '30' },
    photo: { type: 'string', placeholder: 'FILE', help: 'photo of one face for the clip', shownDefault: 'the Grace Hopper portrait' },
    'out-dir': { type: 'string', placeholder: 'DIR', help: 'where latest.json and the dated copy go', shownDefault: 'bench/results' },
    quick: { type: 'boolean', help: 'one stream, a 3 s window, 10 frames: a smoke run', shownDefault: 'false' },
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
