// The event writer's thread: one SQLite connection that inserts each batch in one transaction. Running here,
// a slow disk (a long commit, a WAL checkpoint's fsync) delays only this thread, never the event loop that
// carries media and analysis.
import { parentPort } from 'node:worker_threads';
import type { Database, Statement } from 'better-sqlite3';
import { openDatabase } from '../Store.js';
import type { FromWriter, ToWriter } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('eventWriterWorker runs as a worker thread');

let db: Database | undefined;
let insert: Statement | undefined;
const send = (message: FromWriter) => port.postMessage(message);

port.on('message', (message: ToWriter) => {
  switch (message.type) {
    case 'open':
      db = openDatabase(message.file);
      // An event counts as recorded once its batch's commit returns: FULL syncs the WAL on each commit, so
      // that holds across a power cut too, not only a killed process. One fsync per batch, on this thread.
      db.pragma('synchronous = FULL');
      insert = db.prepare('INSERT INTO events (session_id, at, peer_id, producer_id, body) VALUES (?, ?, ?, ?, ?)');
      send({ type: 'opened' });
      return;
    case 'batch': {
      try {
        if (!db || !insert) throw new Error('the writer is not open');
        const statement = insert;
        db.transaction((rows: typeof message.rows) => {
          for (const row of rows) statement.run(...row);
        })(message.rows);
        send({ type: 'written', id: message.id, count: message.rows.length });
      } catch (error) {
        send({ type: 'failed', id: message.id, count: message.rows.length, message: (error as Error).message });
      }
      return;
    }
    case 'close':
      db?.close();
      db = undefined;
      send({ type: 'closed' });
      port.close();
      return;
  }
});
