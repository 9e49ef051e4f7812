// `affectcast analyze <file>`: one AffectEvent per analysed frame on stdout, as JSON lines, each with the
// frame's position in the file (mediaTimeMs). Logs go to stderr.
import fs from 'node:fs';
import { AffectcastError } from '../contracts/errors.js';
import { loadConfig } from '../config/loadConfig.js';
import { createLogger } from '../log/logger.js';
import { analyzeFile } from '../analyzer/file/analyzeFile.js';
import { loadProfile } from '../analyzer/profiles/loadProfile.js';
import { CONFIG_OPTIONS, parseCommandArgs, toConfigFlags } from './options.js';

export async function analyzeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...CONFIG_OPTIONS, fps: { type: 'string' } }, true);
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new AffectcastError('CONFIG_INVALID', 'usage: affectcast analyze <file> [--profile default|avmt] [--fps N]');
  if (!fs.existsSync(file)) throw new AffectcastError('NOT_FOUND', `no such file: ${file}`);
  const config = loadConfig(toConfigFlags(values));
  const fps = values.fps === undefined ? config.analyzer.fps : Number(values.fps);
  if (!(fps > 0 && fps <= 120)) throw new AffectcastError('CONFIG_INVALID', `--fps: "${values.fps}" is not a rate in (0, 120]`);
  const logger = createLogger(config.log.level);
  const profile = await loadProfile(config, logger);
  // `affectcast analyze f | head`: a reader that goes away ends the analysis quietly.
  const stop = new AbortController();
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stop.abort();
  });
  try {
    const { frames } = await analyzeFile({
      file,
      profile,
      fps,
      maxSide: config.analyzer.maxSide,
      logger,
      onEvent: (event) => {
        if (!stop.signal.aborted) process.stdout.write(`${JSON.stringify(event)}\n`);
      },
      signal: stop.signal,
    });
    logger.info({ file, frames }, 'analysed');
    return 0;
  } finally {
    await profile.close();
  }
}
