// Where `analyze` writes a file's events: the export's own writers (src/store/export), so the CSV columns and
// JSON lines are exactly those of a recorded session's export. The file is one session: its id is the
// file's name and it starts at media time 0, so ms_since_session_start is the frame's position in the file.
import fs from 'node:fs';
import path from 'node:path';
import type { FileAffectEvent } from '../analyzer/file/analyzeFile.js';
import { AffectcastError } from '../contracts/errors.js';
import type { RowContext } from '../store/export/columns.js';
import { csvHeader, renderEvent } from '../store/export/exportRecording.js';

export type RowFormat = 'csv' | 'jsonl';

/** --format, else --out's extension, else JSON lines. */
export function rowFormat(format: string | undefined, out: string | undefined): RowFormat {
  if (format !== undefined) {
    if (format !== 'csv' && format !== 'jsonl') throw new AffectcastError('CONFIG_INVALID', `--format: "${format}" is not csv or jsonl`);
    return format;
  }
  if (out === undefined) return 'jsonl';
  const ext = path.extname(out).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new AffectcastError('CONFIG_INVALID', `--out: cannot tell the format from "${path.basename(out)}": name it .csv or .jsonl, or give --format`);
}

export interface RowSink {
  write(event: FileAffectEvent): void;
  /** Success: the file takes its name (a partial file never appears under it). */
  commit(): Promise<void>;
  /** Failure or interruption: nothing is left behind. Idempotent. */
  abandon(): void;
}

/** Rows of `file`'s events in `format`, to `out` (written as out.partial, renamed on commit) or to `stdout`. */
export function openRowSink(options: { file: string; format: RowFormat; out: string | undefined; stdout: NodeJS.WritableStream }): RowSink {
  const sessionId = path.basename(options.file);
  const partial = options.out === undefined ? undefined : `${options.out}.partial`;
  const target = partial === undefined ? options.stdout : fs.createWriteStream(partial);
  let closed = false;
  // A byte order mark in a file (spreadsheets then read UTF-8), as the export writes; none down a pipe.
  if (options.format === 'csv') target.write(csvHeader(partial !== undefined));
  const closeFile = () =>
    new Promise<void>((resolve, reject) => {
      if (partial === undefined) return resolve();
      (target as fs.WriteStream).end((error?: Error | null) => (error ? reject(error) : resolve()));
    });
  return {
    write(event) {
      if (closed) return;
      // Whole ms, as a recording's are (capturedAt is whole ms).
      const ctx: RowContext = { sessionId, sessionStart: event.capturedAt - Math.round(event.mediaTimeMs ?? 0), nameOf: () => '' };
      target.write(renderEvent(event, ctx, options.format));
    },
    async commit() {
      if (closed) return;
      closed = true;
      await closeFile();
      if (partial !== undefined && options.out !== undefined) fs.renameSync(partial, options.out);
    },
    abandon() {
      if (closed) return;
      closed = true;
      if (partial === undefined) return;
      (target as fs.WriteStream).destroy();
      fs.rmSync(partial, { force: true });
    },
  };
}
