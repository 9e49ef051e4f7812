// `affectcast bench`: the live bench (src/bench/runBench.ts). Prints the results as tables and writes them
// as JSON to bench/results/latest.json and a dated copy beside it (or to --out-dir).
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/loadConfig.js';
import { PROJECT_ROOT } from '../config/schema.js';
import { AffectcastError } from '../contracts/errors.js';
import { createLogger } from '../log/logger.js';
import { runBench, type BenchOptions } from '../bench/runBench.js';
import { formatTable } from '../bench/table.js';
import { CONFIG_OPTIONS, parseCommandArgs, toConfigFlags } from './options.js';

const LADDER = [1, 2, 4, 8, 12, 16, 20, 24, 28, 32, 40, 48];

export const BENCH_OPTIONS = {
  ...CONFIG_OPTIONS,
  streams: { type: 'string' },
  'min-fps': { type: 'string' },
  window: { type: 'string' },
  warmup: { type: 'string' },
  frames: { type: 'string' },
  'send-fps': { type: 'string' },
  photo: { type: 'string' },
  'out-dir': { type: 'string' },
  quick: { type: 'boolean' },
} as const;

function number(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new AffectcastError('CONFIG_INVALID', `--${name} must be a number from ${min} to ${max}, not "${value}"`);
  return n;
}

export async function benchCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, BENCH_OPTIONS);
  const config = loadConfig(toConfigFlags(values));
  const quick = values.quick ?? false;
  const ladder = values.streams === undefined ? (quick ? [1] : LADDER) : values.streams.split(',').map(Number);
  if (ladder.some((k, i) => !Number.isInteger(k) || k < 1 || k > 256 || (i > 0 && k <= ladder[i - 1]!))) {
    throw new AffectcastError('CONFIG_INVALID', '--streams takes rising stream counts from 1 to 256, like 1,2,4');
  }
  if (values.photo !== undefined && !fs.existsSync(values.photo)) throw new AffectcastError('NOT_FOUND', `no such file: ${values.photo}`);
  const options: BenchOptions = {
    photo: values.photo,
    ladder,
    minAnalysedFps: number('min-fps', values['min-fps'], 5, 0.1, 30),
    windowMs: number('window', values.window, quick ? 3 : 10, 1, 600) * 1000,
    warmupMs: number('warmup', values.warmup, quick ? 1 : 3, 0, 600) * 1000,
    peerFrames: Math.round(number('frames', values.frames, quick ? 10 : 60, 3, 1000)),
    sendFps: number('send-fps', values['send-fps'], 30, 1, 60),
    command: ['affectcast', 'bench', ...argv].join(' '),
  };
  const logger = createLogger(config.log.level);
  const result = await runBench(config, options, logger);
  const dir = values['out-dir'] ?? path.join(PROJECT_ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const dated = path.join(dir, `bench-${result.date.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(dated, json);
  // latest.json appears whole or not at all: other tools read it
  fs.writeFileSync(`${path.join(dir, 'latest.json')}.part`, json);
  fs.renameSync(`${path.join(dir, 'latest.json')}.part`, path.join(dir, 'latest.json'));
  process.stdout.write(`${formatTable(result)}\n\nwritten to ${path.join(dir, 'latest.json')} and ${dated}\n`);
  return 0;
}
