// `affectcast export --room R [--session S] [--format csv|jsonl] [--from T] [--to T] --out FILE`: writes a
// room's recording (the same rows as GET /api/rooms/:room/events) from this data directory's database.
// Streamed: memory stays constant however long the recording. The file appears only when complete.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../config/loadConfig.js';
import { AffectcastError } from '../contracts/errors.js';
import { RoomNameSchema } from '../contracts/roles.js';
import { ExportQuerySchema } from '../contracts/session.js';
import { exportRecording } from '../store/export/exportRecording.js';
import { Store } from '../store/Store.js';
import { CONFIG_OPTIONS, parseCommandArgs, toConfigFlags } from './options.js';

const OPTIONS = {
  ...CONFIG_OPTIONS,
  session: { type: 'string' },
  format: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  out: { type: 'string' },
} as const;

export async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, OPTIONS);
  if (!values.out) throw new AffectcastError('CONFIG_INVALID', '--out is required');
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
  const partial = `${values.out}.partial`;
  try {
    await pipeline(
      Readable.from(exportRecording({ file: store.file, format: query.data.format, sessions, from: ms(query.data.from), to: ms(query.data.to) })),
      fs.createWriteStream(partial),
    );
    fs.renameSync(partial, values.out);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
  process.stderr.write(`exported ${sessions.length} session(s) of room ${room.data} to ${values.out}\n`);
  return 0;
}
