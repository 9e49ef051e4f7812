// Versioned schema migrations. PRAGMA user_version holds the version applied; each migration runs in its own
// transaction, so a failed one leaves the previous version intact. Append new migrations; never edit old ones.
import type { Database } from 'better-sqlite3';
import { AffectcastError } from '../contracts/errors.js';

export const MIGRATIONS: readonly string[] = [
  // 1: rooms, sessions, their participants, events (the AffectEvent as recorded, raw), markers, alerts,
  //    consent answers, alert rules, minted and revoked tokens. No column can hold a frame or audio.
  `
  CREATE TABLE rooms (
    room TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    medical_or_safety INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    room TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    started_by TEXT NOT NULL CHECK (started_by IN ('auto', 'manual'))
  ) STRICT;
  CREATE INDEX sessions_by_room ON sessions (room, started_at);
  CREATE TABLE participants (
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    peer_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    PRIMARY KEY (session_id, peer_id)
  ) STRICT;
  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    peer_id TEXT NOT NULL,
    producer_id TEXT NOT NULL,
    body TEXT NOT NULL
  ) STRICT;
  CREATE INDEX events_by_session ON events (session_id, at);
  CREATE TABLE markers (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    label TEXT NOT NULL,
    note TEXT
  ) STRICT;
  CREATE INDEX markers_by_session ON markers (session_id, at);
  CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    rule_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    peer_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    face_id INTEGER,
    message TEXT NOT NULL
  ) STRICT;
  CREATE INDEX alerts_by_session ON alerts (session_id, at);
  CREATE TABLE consents (
    id INTEGER PRIMARY KEY,
    room TEXT NOT NULL,
    session_id TEXT REFERENCES sessions (id) ON DELETE SET NULL,
    peer_id TEXT,
    display_name TEXT NOT NULL,
    granted INTEGER NOT NULL,
    at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX consents_by_time ON consents (at);
  CREATE TABLE rules (
    room TEXT PRIMARY KEY,
    body TEXT NOT NULL
  ) STRICT;
  CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    room TEXT NOT NULL,
    role TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    issued_at INTEGER NOT NULL,
    label TEXT
  ) STRICT;
  CREATE TABLE revoked_tokens (
    id TEXT PRIMARY KEY,
    revoked_at INTEGER NOT NULL
  ) STRICT;
  `,
  // 2: a session that a crash left open is closed at start as interrupted (ended_at = its last event), so the
  //    history can tell an interrupted session from one that ended.
  `
  ALTER TABLE sessions ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0 CHECK (interrupted IN (0, 1));
  `,
];

/** Brings the database to the latest version; refuses one written by a newer affectcast. */
export function migrate(db: Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new AffectcastError('CONFIG_INVALID', `the database is at schema version ${current}, newer than this affectcast (${MIGRATIONS.length})`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return MIGRATIONS.length;
}
