// `affectcast bench [--input FILE] [--frames N] [--streams 1,2,4] [--out FILE]`: measures the analyzer on
// this machine and writes the results as JSON (default bench/results/bench-<time>.json).
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/loadConfig.js';
import { PROJECT_ROOT } from '../config/schema.js';
import { AffectcastError } from '../contracts/errors.js';
import { createLogger } from '../log/logger.js';
import { runBench } from '../bench/runBench.js';
import { CONFIG_OPTIONS, parseCommandArgs, toConfigFlags } from './options.js';

/** A photo of several people from face-api's own package (MIT): real faces, present wherever affectcast is. */
const DEFAULT_INPUT = path.join(PROJECT_ROOT, 'node_modules', '@vladmandic', 'face-api', 'demo', 'sample1.jpg');

export async function benchCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    ...CONFIG_OPTIONS,
    input: { type: 'string' },
    frames: { type: 'string' },
    streams: { type: 'string' },
    out: { type: 'string' },
  });
  const config = loadConfig(toConfigFlags(values));
  const frames = Number(values.frames ?? 60);
  const streams = (values.streams ?? '1,2,4').split(',').map(Number);
  if (!Number.isInteger(frames) || frames < 5) throw new AffectcastError('CONFIG_INVALID', '--frames must be an integer >= 5');
  if (streams.some((k) => !Number.isInteger(k) || k < 1 || k > 64)) throw new AffectcastError('CONFIG_INVALID', '--streams takes a list like 1,2,4');
  const input = values.input ?? DEFAULT_INPUT;
  if (!fs.existsSync(input)) throw new AffectcastError('NOT_FOUND', `no such file: ${input}`);
  const logger = createLogger(config.log.level);
  const result = await runBench(config, { input, frames, streams }, logger);
  const out = values.out ?? path.join(PROJECT_ROOT, 'bench', 'results', `bench-${result.startedAt.replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\nwritten to ${out}\n`);
  return 0;
}
