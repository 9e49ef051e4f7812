// The recording database: one SQLite file (affectcast.db) in the data directory, WAL mode, so exports read
// from their own connections while the server writes. Every method is one statement or one transaction:
// a failed call changes nothing. Events are written by the EventWriter (batched); everything here is small.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database, { type Database as Db, type Statement } from 'better-sqlite3';
import { AffectcastError } from '../contracts/errors.js';
import type { RoomPurpose } from '../contracts/consent.js';
import type { Alert, AlertRule, Marker, SessionInfo } from '../contracts/session.js';
import { migrate } from './migrations.js';

export const DATABASE_FILE = 'affectcast.db';

interface SessionRow {
  id: string;
  room: string;
  started_at: number;
  ended_at: number | null;
  started_by: 'auto' | 'manual';
  interrupted: number;
  events: number;
  markers: number;
  alerts: number;
}

const SESSION_COLUMNS = `s.id, s.room, s.started_at, s.ended_at, s.started_by, s.interrupted,
  (SELECT count(*) FROM events e WHERE e.session_id = s.id) AS events,
  (SELECT count(*) FROM markers m WHERE m.session_id = s.id) AS markers,
  (SELECT count(*) FROM alerts a WHERE a.session_id = s.id) AS alerts`;

const toSession = (r: SessionRow): SessionInfo => ({
  id: r.id,
  room: r.room,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  startedBy: r.started_by,
  status: r.ended_at === null ? 'recording' : r.interrupted === 1 ? 'interrupted' : 'ended',
  events: r.events,
  markers: r.markers,
  alerts: r.alerts,
});

export type NewAlert = Omit<Alert, 'id'>;

export function openDatabase(file: string, options: { readonly?: boolean } = {}): Db {
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a crash loses at most the last transactions, never corrupts; much faster than FULL.
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

export class Store {
  readonly file: string;
  readonly db: Db;
  #closed = false;
  #isRevoked: Statement | undefined;
  readonly #revokedListeners = new Set<(id: string) => void>();

  private constructor(file: string, db: Db) {
    this.file = file;
    this.db = db;
  }

  static open(dataDir: string): Store {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = path.join(dataDir, DATABASE_FILE);
    const db = openDatabase(file);
    try {
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return new Store(file, db);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.db.close();
  }

  // Sessions ------------------------------------------------------------------------------------------------

  startSession(room: string, startedBy: 'auto' | 'manual', at: number = Date.now()): SessionInfo {
    const id = `${new Date(at).toISOString().slice(0, 10).replaceAll('-', '')}-${crypto.randomBytes(4).toString('hex')}`;
    this.db.prepare('INSERT INTO sessions (id, room, started_at, started_by) VALUES (?, ?, ?, ?)').run(id, room, at, startedBy);
    return this.session(id) as SessionInfo;
  }

  endSession(id: string, at: number = Date.now()): SessionInfo | undefined {
    this.db.prepare('UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL').run(at, id);
    return this.session(id);
  }

  /**
   * Sessions a previous process left open (it was killed, or the machine stopped): closed as interrupted, ended
   * at their last recorded event (their start when none was). Returns the ids.
   */
  endDanglingSessions(): string[] {
    return (
      this.db
        .prepare(
          `UPDATE sessions SET interrupted = 1,
             ended_at = max(started_at, coalesce((SELECT max(at) FROM events e WHERE e.session_id = sessions.id), started_at))
           WHERE ended_at IS NULL RETURNING id`,
        )
        .all() as Array<{ id: string }>
    ).map((r) => r.id);
  }

  session(id: string): SessionInfo | undefined {
    const row = this.db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions s WHERE s.id = ?`).get(id) as SessionRow | undefined;
    return row ? toSession(row) : undefined;
  }

  sessions(room: string): SessionInfo[] {
    const rows = this.db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions s WHERE s.room = ? ORDER BY s.started_at DESC`).all(room) as SessionRow[];
    return rows.map(toSession);
  }

  /** The session of `room` named `id`, or NOT_FOUND (a session of another room is not found either). */
  roomSession(room: string, id: string): SessionInfo {
    const session = this.session(id);
    if (!session || session.room !== room) throw new AffectcastError('NOT_FOUND', `session: no session ${id} in room ${room}`);
    return session;
  }

  addParticipant(sessionId: string, peerId: string, displayName: string): void {
    this.db
      .prepare('INSERT INTO participants (session_id, peer_id, display_name) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET display_name = excluded.display_name')
      .run(sessionId, peerId, displayName);
  }

  participants(sessionId: string): Array<{ peerId: string; displayName: string }> {
    return this.db
      .prepare('SELECT peer_id AS peerId, display_name AS displayName FROM participants WHERE session_id = ? ORDER BY rowid')
      .all(sessionId) as Array<{ peerId: string; displayName: string }>;
  }

  /** Deletes sessions that ended before `cutoff` (with their events, markers, alerts) and older consent records. */
  deleteEndedBefore(cutoff: number): number {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM consents WHERE at < ?').run(cutoff);
      return this.db.prepare('DELETE FROM sessions WHERE ended_at IS NOT NULL AND ended_at < ?').run(cutoff).changes;
    })();
  }

  // Markers and alerts ----------------------------------------------------------------------------------------

  addMarker(sessionId: string, at: number, label: string, note: string | undefined): Marker {
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO markers (session_id, at, label, note) VALUES (?, ?, ?, ?)')
      .run(sessionId, at, label, note ?? null);
    return { id: Number(lastInsertRowid), sessionId, at, label, note: note ?? null };
  }

  markers(sessionId: string): Marker[] {
    return this.db
      .prepare('SELECT id, session_id AS sessionId, at, label, note FROM markers WHERE session_id = ? ORDER BY at, id')
      .all(sessionId) as Marker[];
  }

  addAlert(alert: NewAlert): Alert {
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO alerts (session_id, at, rule_id, kind, peer_id, display_name, face_id, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(alert.sessionId, alert.at, alert.ruleId, alert.kind, alert.peerId, alert.displayName, alert.faceId, alert.message);
    return { id: Number(lastInsertRowid), ...alert };
  }

  alerts(sessionId: string): Alert[] {
    return this.db
      .prepare(
        `SELECT id, session_id AS sessionId, at, rule_id AS ruleId, kind, peer_id AS peerId, display_name AS displayName,
         face_id AS faceId, message FROM alerts WHERE session_id = ? ORDER BY at, id`,
      )
      .all(sessionId) as Alert[];
  }

  // Rooms, rules, consent ------------------------------------------------------------------------------------

  roomPurpose(room: string): { purpose: RoomPurpose; medicalOrSafety: boolean } | undefined {
    const row = this.db.prepare('SELECT purpose, medical_or_safety FROM rooms WHERE room = ?').get(room) as
      | { purpose: RoomPurpose; medical_or_safety: number }
      | undefined;
    return row ? { purpose: row.purpose, medicalOrSafety: row.medical_or_safety === 1 } : undefined;
  }

  setRoomPurpose(room: string, purpose: RoomPurpose, medicalOrSafety: boolean): void {
    this.db
      .prepare(
        `INSERT INTO rooms (room, purpose, medical_or_safety, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET purpose = excluded.purpose, medical_or_safety = excluded.medical_or_safety, updated_at = excluded.updated_at`,
      )
      .run(room, purpose, medicalOrSafety ? 1 : 0, Date.now());
  }

  rules(room: string): AlertRule[] | undefined {
    const row = this.db.prepare('SELECT body FROM rules WHERE room = ?').get(room) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as AlertRule[]) : undefined;
  }

  setRules(room: string, rules: AlertRule[]): void {
    this.db.prepare('INSERT INTO rules (room, body) VALUES (?, ?) ON CONFLICT DO UPDATE SET body = excluded.body').run(room, JSON.stringify(rules));
  }

  recordConsent(entry: { room: string; sessionId: string | null; peerId: string | null; displayName: string; granted: boolean; at: number }): void {
    this.db
      .prepare('INSERT INTO consents (room, session_id, peer_id, display_name, granted, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(entry.room, entry.sessionId, entry.peerId, entry.displayName, entry.granted ? 1 : 0, entry.at);
  }

  consents(room: string): Array<{ peerId: string | null; displayName: string; granted: boolean; at: number }> {
    const rows = this.db
      .prepare('SELECT peer_id AS peerId, display_name AS displayName, granted, at FROM consents WHERE room = ? ORDER BY at, id')
      .all(room) as Array<{ peerId: string | null; displayName: string; granted: number; at: number }>;
    return rows.map((r) => ({ ...r, granted: r.granted === 1 }));
  }

  // Tokens ---------------------------------------------------------------------------------------------------

  recordToken(token: { id: string; room: string; role: string; expiresAt: number; label?: string | undefined }): void {
    this.db
      .prepare('INSERT INTO tokens (id, room, role, expires_at, issued_at, label) VALUES (?, ?, ?, ?, ?, ?)')
      .run(token.id, token.room, token.role, token.expiresAt, Date.now(), token.label ?? null);
  }

  tokens(room: string): Array<{ id: string; role: string; expiresAt: number; issuedAt: number; label: string | null; revoked: boolean }> {
    const rows = this.db
      .prepare(
        `SELECT t.id, t.role, t.expires_at AS expiresAt, t.issued_at AS issuedAt, t.label, r.id IS NOT NULL AS revoked
         FROM tokens t LEFT JOIN revoked_tokens r ON r.id = t.id WHERE t.room = ? ORDER BY t.issued_at`,
      )
      .all(room) as Array<{ id: string; role: string; expiresAt: number; issuedAt: number; label: string | null; revoked: number }>;
    return rows.map((r) => ({ ...r, revoked: r.revoked === 1 }));
  }

  tokenRoom(id: string): string | undefined {
    return (this.db.prepare('SELECT room FROM tokens WHERE id = ?').get(id) as { room: string } | undefined)?.room;
  }

  /** True when the id was not revoked before; then the onRevoked listeners are told (e.g. to share it with a cluster). */
  revokeToken(id: string): boolean {
    const added = this.db.prepare('INSERT INTO revoked_tokens (id, revoked_at) VALUES (?, ?) ON CONFLICT DO NOTHING').run(id, Date.now()).changes > 0;
    if (added) for (const listener of [...this.#revokedListeners]) listener(id);
    return added;
  }

  /** Listens for new revocations through this Store; returns the function that stops listening. */
  onRevoked(listener: (id: string) => void): () => void {
    this.#revokedListeners.add(listener);
    return () => this.#revokedListeners.delete(listener);
  }

  revokedTokens(): Array<{ id: string; revokedAt: number }> {
    return this.db.prepare('SELECT id, revoked_at AS revokedAt FROM revoked_tokens ORDER BY revoked_at').all() as Array<{ id: string; revokedAt: number }>;
  }

  isRevoked(id: string): boolean {
    // Fail closed: a closing server admits nobody.
    if (this.#closed) return true;
    // Checked on every page, request and socket: prepared once.
    this.#isRevoked ??= this.db.prepare('SELECT 1 FROM revoked_tokens WHERE id = ?');
    return this.#isRevoked.get(id) !== undefined;
  }
}
