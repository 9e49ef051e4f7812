// `affectcast export --room R [--session S] [--format csv|jsonl] [--from T] [--to T] [--out FILE]`: writes a
// room's recording (the same rows as GET /api/rooms/:room/events) from this data directory's database, to
// stdout or a file. Streamed: memory stays constant however long the recording. A file appears only when complete.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../config/loadConfig.js';
import { AffectcastError } from '../contracts/errors.js';
import { RoomNameSchema } from '../contracts/roles.js';
import { ExportQuerySchema } from '../contracts/session.js';
import { exportRecording } from '../store/export/exportRecording.js';
import { Store } from '../store/Store.js';
import { defineCommand, type CommandArgs, type OptionTable } from './command.js';
import { configOptions, toConfigFlags } from './options.js';
import type { CliIo } from './terminal.js';

const OPTIONS = {
  room: { type: 'string', placeholder: 'NAME', help: 'the room whose recording to write (required)' },
  session: { type: 'string', placeholder: 'ID', help: 'only this session', shownDefault: 'every session of the room' },
  format: { type: 'string', placeholder: 'csv|jsonl', help: 'CSV (UTF-8, with a byte order mark in a file) or JSON lines', shownDefault: 'csv' },
  from: { type: 'string', placeholder: 'TIME', help: 'from this time (ms since epoch or ISO 8601)', shownDefault: 'the start' },
  to: { type: 'string', placeholder: 'TIME', help: 'up to this time', shownDefault: 'the end' },
  out: { type: 'string', placeholder: 'FILE', help: 'write to FILE (it appears only once complete)', shownDefault: 'stdout' },
  ...configOptions('data-dir', 'config'),
} as const satisfies OptionTable;

export const exportCommand = defineCommand({
  name: 'export',
  synopsis: ['--room NAME [options]'],
  summary: "write a room's recording (as GET /api/rooms/:room/events) as CSV or JSON lines",
  description:
    "Writes a room's recording from this data directory's database, the same rows as GET /api/rooms/:room/events " +
    "(columns in the README's Recording and export section), to stdout or --out; a summary line goes to stderr.",
  options: OPTIONS,
  maxPositionals: 0,
  run: (args, io) => exportRows(args, io),
});

async function exportRows({ values }: CommandArgs<typeof OPTIONS>, io: CliIo): Promise<number> {
  const room = RoomNameSchema.safeParse(values.room);
  if (!room.success) throw new AffectcastError('CONFIG_INVALID', `--room: ${room.error.issues[0]?.message ?? 'required'}`);
  const query = ExportQuerySchema.safeParse({
    format: values.format,
    session: values.session,
    from: values.from,
    to: values.to,
  });
  if (!query.success) {
    const issue = query.error.issues[0];
    throw new AffectcastError('CONFIG_INVALID', `--${issue?.path.join('.') ?? 'option'}: ${issue?.message ?? 'invalid'}`);
  }
  const config = loadConfig(toConfigFlags({ ...values, room: undefined }));
  const store = Store.open(config.dataDir);
  let sessions;
  try {
    sessions = query.data.session ? [store.roomSession(room.data, query.data.session)] : store.sessions(room.data).reverse();
  } finally {
    store.close();
  }
  const ms = (v: number | string | undefined) => (typeof v === 'string' ? Date.parse(v) : v);
  const rows = (bom: boolean) =>
    Readable.from(exportRecording({ file: store.file, format: query.data.format, sessions, from: ms(query.data.from), to: ms(query.data.to), bom }));
  if (values.out === undefined) {
    // A pipe gets no byte order mark: the next program reads UTF-8 anyway.
    await pipeline(rows(false), io.stdout, { end: false });
    io.stderr.write(`exported ${sessions.length} session(s) of room ${room.data}\n`);
    return 0;
  }
  const partial = `${values.out}.partial`;
  try {
    await pipeline(rows(true), fs.createWriteStream(partial));
    fs.renameSync(partial, values.out);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
  io.stderr.write(`exported ${sessions.length} session(s) of room ${room.data} to ${values.out}\n`);
  return 0;
}
