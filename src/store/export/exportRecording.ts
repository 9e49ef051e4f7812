// Streams a room's recording as CSV or JSON lines: a generator of text chunks, pulled by the consumer (an
// HTTP reply, a file), so memory stays constant however long the session. Each export reads through its own
// read-only connection (WAL lets it run while the server writes) and iterates the events statement row by
// row; the few markers and alerts of a session are merged in by time.
import type { AffectEvent } from '../../contracts/affect.js';
import type { Alert, Marker, SessionInfo } from '../../contracts/session.js';
import { openDatabase } from '../Store.js';
import { csvRecord, UTF8_BOM } from './csv.js';
import { alertRow, eventRows, EXPORT_COLUMNS, markerRow, type RowContext } from './columns.js';

export interface ExportOptions {
  /** The database file (Store.file). */
  file: string;
  format: 'csv' | 'jsonl';
  /** The sessions to export, oldest first. */
  sessions: readonly SessionInfo[];
  from?: number | undefined;
  to?: number | undefined;
  /** csv: start with a UTF-8 byte order mark (spreadsheets then read UTF-8). */
  bom?: boolean | undefined;
}

/** Text is handed on in chunks of about this many characters. */
const CHUNK_CHARS = 64 * 1024;

type TimelineItem = { kind: 'marker'; at: number; marker: Marker } | { kind: 'alert'; at: number; alert: Alert };

export function* exportRecording(options: ExportOptions): Generator<string, void, undefined> {
  const db = openDatabase(options.file, { readonly: true });
  try {
    let chunk = '';
    const push = function* (text: string): Generator<string, void, undefined> {
      chunk += text;
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    };
    if (options.format === 'csv') yield* push(csvHeader(options.bom ?? true));
    const from = options.from ?? 0;
    const to = options.to ?? Number.MAX_SAFE_INTEGER;
    const events = db.prepare('SELECT body FROM events WHERE session_id = ? AND at >= ? AND at <= ? ORDER BY at, id').pluck();
    for (const session of options.sessions) {
      const names = new Map(
        (db.prepare('SELECT peer_id, display_name FROM participants WHERE session_id = ?').raw().all(session.id) as Array<[string, string]>),
      );
      const ctx: RowContext = { sessionId: session.id, sessionStart: session.startedAt, nameOf: (id) => names.get(id) ?? '' };
      const timeline: TimelineItem[] = [
        ...(db.prepare('SELECT id, session_id AS sessionId, at, label, note FROM markers WHERE session_id = ? AND at >= ? AND at <= ?').all(session.id, from, to) as Marker[]).map(
          (marker) => ({ kind: 'marker' as const, at: marker.at, marker }),
        ),
        ...(
          db
            .prepare(
              `SELECT id, session_id AS sessionId, at, rule_id AS ruleId, kind, peer_id AS peerId, display_name AS displayName,
               face_id AS faceId, message FROM alerts WHERE session_id = ? AND at >= ? AND at <= ?`,
            )
            .all(session.id, from, to) as Alert[]
        ).map((alert) => ({ kind: 'alert' as const, at: alert.at, alert })),
      ].sort((a, b) => a.at - b.at);
      let next = 0;
      const flushTimeline = function* (until: number): Generator<string, void, undefined> {
        while (next < timeline.length && (timeline[next] as TimelineItem).at < until) {
          yield* push(renderItem(timeline[next] as TimelineItem, ctx, options.format));
          next++;
        }
      };
      for (const body of events.iterate(session.id, from, to) as IterableIterator<string>) {
        const event = JSON.parse(body) as AffectEvent;
        yield* flushTimeline(event.capturedAt);
        yield* push(renderEvent(event, ctx, options.format));
      }
      yield* flushTimeline(Number.MAX_SAFE_INTEGER);
    }
    if (chunk.length > 0) yield chunk;
  } finally {
    db.close();
  }
}

/** The CSV header record (after a byte order mark when `bom`). */
export function csvHeader(bom: boolean): string {
  return (bom ? UTF8_BOM : '') + csvRecord(EXPORT_COLUMNS);
}

/** One event's rows (CSV) or line (JSON lines); `affectcast analyze` writes a file's events with it too. */
export function renderEvent(event: AffectEvent, ctx: RowContext, format: 'csv' | 'jsonl'): string {
  if (format === 'csv') return eventRows(event, ctx).map(csvRecord).join('');
  const line = {
    type: 'event',
    sessionId: ctx.sessionId,
    msSinceSessionStart: event.capturedAt - ctx.sessionStart,
    participantName: ctx.nameOf(event.peerId),
    ...event,
  };
  return `${JSON.stringify(line)}\n`;
}

function renderItem(item: TimelineItem, ctx: RowContext, format: 'csv' | 'jsonl'): string {
  if (format === 'csv') return csvRecord(item.kind === 'marker' ? markerRow(item.marker, ctx) : alertRow(item.alert, ctx));
  const body = item.kind === 'marker' ? item.marker : item.alert;
  return `${JSON.stringify({ type: item.kind, msSinceSessionStart: item.at - ctx.sessionStart, ...body })}\n`;
}
