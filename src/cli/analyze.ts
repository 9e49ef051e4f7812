// `affectcast analyze <file> [--out file.csv|file.jsonl]`: a recorded file through the same decoder (native
// ffmpeg), pipeline and profile as a live stream, audio included when the profile reads it. The rows are the
// export's (same columns, same JSON lines), on stdout or in --out; progress and logs go to stderr.
import fs from 'node:fs';
import { loadConfig } from '../config/loadConfig.js';
import { AffectcastError } from '../contracts/errors.js';
import { createLogger } from '../log/logger.js';
import { openRowSink, rowFormat } from './analyzeOutput.js';
import { defineCommand, type CommandArgs, type OptionTable } from './command.js';
import { mediaDurationMs } from './mediaDuration.js';
import { configOptions, toConfigFlags } from './options.js';
import { createProgress } from './progress.js';
import type { CliIo } from './terminal.js';

const OPTIONS = {
  out: {
    type: 'string',
    placeholder: 'FILE',
    help: 'write the rows to FILE (.csv or .jsonl picks the format; it appears only once complete)',
    shownDefault: 'stdout',
  },
  format: { type: 'string', placeholder: 'csv|jsonl', help: 'row format', shownDefault: "from --out's extension, else jsonl" },
  fps: { type: 'string', placeholder: 'N', help: 'frames analysed per second of the file, in (0, 120] (config analyzer.fps)', shownDefault: (d) => String(d.analyzer.fps) },
  quiet: { type: 'boolean', short: 'q', help: 'no progress on stderr', shownDefault: 'false' },
  ...configOptions('profile', 'allow-untrained', 'config', 'log-level'),
} as const satisfies OptionTable;

export const analyzeCommand = defineCommand({
  name: 'analyze',
  synopsis: ['<file> [options]'],
  summary: 'analyse a video or image file like a live stream; rows as the export writes them (CSV or JSON lines)',
  description:
    'Analyses a video or image file with the same decoder, pipeline and profile as a live stream (its audio too when ' +
    'the profile uses audio), every kept frame in order. Writes one JSON line per frame (the export\'s lines, plus ' +
    "mediaTimeMs, the frame's position in the file) or the export's CSV rows, where ms_since_session_start is that " +
    'position. Progress goes to stderr: a bar on a terminal, a line per tenth of the file otherwise.',
  options: OPTIONS,
  maxPositionals: 1,
  run: (args, io) => analyze(args, io),
});

async function analyze({ values, positionals }: CommandArgs<typeof OPTIONS>, io: CliIo): Promise<number> {
  const [file] = positionals;
  if (!file) throw new AffectcastError('CONFIG_INVALID', 'analyze needs a file: affectcast analyze <file> [options]');
  const format = rowFormat(values.format, values.out);
  const config = loadConfig(toConfigFlags(values));
  const fps = values.fps === undefined ? config.analyzer.fps : Number(values.fps);
  if (!(fps > 0 && fps <= 120)) throw new AffectcastError('CONFIG_INVALID', `--fps: "${values.fps}" is not a rate in (0, 120]`);
  if (!fs.existsSync(file)) throw new AffectcastError('NOT_FOUND', `no such file: ${file}`);
  const logger = createLogger(config.log.level);
  // Loaded here, not at the top: `--help` needs none of the analyzer.
  const [{ analyzeFile }, { loadProfile }] = await Promise.all([import('../analyzer/file/analyzeFile.js'), import('../analyzer/profiles/loadProfile.js')]);
  const [profile, totalMs] = await Promise.all([loadProfile(config, logger), mediaDurationMs(file)]);
  const progress = values.quiet ? undefined : createProgress({ label: 'analyze', totalMs, io });
  const sink = openRowSink({ file, format, out: values.out, stdout: io.stdout });
  // `affectcast analyze f | head`: a reader that goes away ends the analysis quietly.
  const stop = new AbortController();
  const onStdoutError = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stop.abort();
  };
  io.stdout.on('error', onStdoutError);
  const frameMs = 1000 / fps;
  let doneMs = 0;
  let count = 0;
  try {
    const { frames } = await analyzeFile({
      file,
      profile,
      fps,
      maxSide: config.analyzer.maxSide,
      logger,
      onEvent: (event) => {
        if (stop.signal.aborted) return;
        sink.write(event);
        count++;
        // The frame stands for the media up to the next kept one.
        doneMs = Math.max(doneMs, (event.mediaTimeMs ?? 0) + frameMs);
        progress?.update(doneMs, count);
      },
      signal: stop.signal,
    });
    await sink.commit();
    progress?.finish(frames, Math.min(doneMs, totalMs ?? doneMs));
    logger.debug({ file, frames }, 'analysed');
    return 0;
  } catch (error) {
    sink.abandon();
    progress?.clear();
    throw error;
  } finally {
    io.stdout.off('error', onStdoutError);
    await profile.close();
  }
}
