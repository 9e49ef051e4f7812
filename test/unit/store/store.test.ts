// The recording store with a real SQLite file: schema version and WAL, sessions and their lifecycle,
// batched writes that drop (and count) rather than grow without bound, markers validated before anything
// is written, retention, revocation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { AffectcastError } from '../../../src/contracts/errors.js';
import { silentLogger } from '../../../src/log/logger.js';
import { EventWriter } from '../../../src/store/EventWriter.js';
import { MIGRATIONS } from '../../../src/store/migrations.js';
import { Retention } from '../../../src/store/Retention.js';
import { SessionRecorder } from '../../../src/store/SessionRecorder.js';
import { Store } from '../../../src/store/Store.js';
import { event, face, tempDir } from './fixtures.js';

const log = silentLogger();

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AffectcastError, String(error));
    return `${error.code}: ${error.message}`;
  }
  return 'no error';
}

describe('store', { timeout: 30_000 }, () => {
  it('opens one WAL database at the latest schema version, and reopens it unchanged', async () => {
    using tmp = tempDir();
    const store = Store.open(tmp.dir);
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(store.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    store.startSession('r1', 'manual', 1000);
    store.close();
    store.close(); // idempotent
    const again = Store.open(tmp.dir);
    assert.equal(again.sessions('r1').length, 1);
    again.close();
  });

  it('refuses a database from a newer version', async () => {
    using tmp = tempDir();
    Store.open(tmp.dir).close();
    const raw = new Database(`${tmp.dir}/affectcast.db`);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    assert.throws(() => Store.open(tmp.dir), /newer than this affectcast/);
  });

  it('records events of an open session in batches, and none after a stop', async () => {
    using tmp = tempDir();
    const store = Store.open(tmp.dir);
    const writer = await EventWriter.open(store, { queueLimit: 1000, flushMs: 10_000, logger: log });
    const recorder = new SessionRecorder(store, writer, log);
    recorder.record(event('r1', 'p1', 1, [face(0, 0.5)])); // no session yet: not recorded
    recorder.participantAnalysed('r1', 'p1', 'Ana');
    const session = recorder.current('r1');
    assert.ok(session);
    assert.equal(session.startedBy, 'auto');
    for (let i = 0; i < 5; i++) recorder.record(event('r1', 'p1', session.startedAt + i * 100, [face(0, 0.1 * i)]));
    assert.equal(store.session(session.id)?.events, 0, 'written only at flush');
    assert.equal(writer.queued, 5);
    const stopped = await recorder.stop('r1');
    assert.equal(stopped?.events, 5, 'the stop writes what was queued');
    assert.ok(stopped?.endedAt);
    recorder.record(event('r1', 'p1', Date.now(), [face(0, 0)]));
    recorder.participantAnalysed('r1', 'p1', 'Ana'); // stopped by hand: no auto restart
    assert.equal(recorder.current('r1'), null);
    assert.equal(writer.queued, 0);
    recorder.roomClosed('r1');
    recorder.participantAnalysed('r1', 'p2', 'Bo'); // a new room: a new session
    const next = recorder.current('r1');
    assert.ok(next && next.id !== session.id);
    assert.deepEqual(store.participants(next.id), [{ peerId: 'p2', displayName: 'Bo' }]);
    await recorder.close();
    store.close();
  });

  it('a session whose room closes just before shutdown is still ended, with its events written', async () => {
    using tmp = tempDir();
    const store = Store.open(tmp.dir);
    const recorder = new SessionRecorder(store, await EventWriter.open(store, { queueLimit: 100, flushMs: 10_000, logger: log }), log);
    recorder.participantAnalysed('r', 'p', 'Ana');
    const id = recorder.currentId('r');
    assert.ok(id);
    for (let i = 0; i < 3; i++) recorder.record(event('r', 'p', Date.now() + i, []));
    recorder.roomClosed('r');
    await recorder.close();
    const session = store.session(id);
    assert.ok(session?.endedAt, 'ended');
    assert.equal(session.events, 3);
    store.close();
  });

  it('drops events beyond the queue limit, counts every one and logs once per episode', async () => {
    using tmp = tempDir();
    const store = Store.open(tmp.dir);
    const warnings: string[] = [];
    const logger = { ...log, child: () => ({ ...log, warn: (_o: unknown, m: string) => warnings.push(m), error: () => undefined }) } as unknown as typeof log;
    let counted = 0;
    const writer = await EventWriter.open(store, { queueLimit: 10, flushMs: 10_000, logger, onDrop: (n) => (counted += n) });
    const s = store.startSession('r', 'manual');
    for (let i = 0; i < 25; i++) writer.enqueue(s.id, event('r', 'p', s.startedAt + i, []));
    assert.equal(writer.queued, 10);
    assert.equal(writer.dropped, 15);
    assert.equal(counted, 15);
    assert.equal(warnings.filter((w) => w.includes('queue full')).length, 1);
    await writer.flush();
    assert.equal(writer.written, 10);
    assert.equal(store.session(s.id)?.events, 10);
    await writer.close();
    store.close();
  });

  it('a stalled disk stalls only the writer thread: the event loop goes on, in-flight events count toward the bound', async () => {
    using tmp = tempDir();
    const store = Store.open(tmp.dir);
    let counted = 0;
    const writer = await EventWriter.open(store, { queueLimit: 100, flushMs: 5, logger: log, onDrop: (n) => (counted += n) });
    const s = store.startSession('r', 'manual');
    // Another connection holds the write lock: the writer's commit waits, as on a disk that does not answer.
    const blocker = new Database(store.file);
    blocker.exec('BEGIN IMMEDIATE');
    try {
      for (let i = 0; i < 60; i++) writer.enqueue(s.id, event('r', 'p', s.startedAt + i, []));
      const posted = writer.flush();
      const lags: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        await new Promise((resolve) => setTimeout(resolve, 10));
        lags.push(performance.now() - t0 - 10);
      }
      assert.ok(Math.max(...lags) < 200, `the event loop kept running (worst timer lag ${Math.max(...lags).toFixed(0)} ms)`);
      for (let i = 0; i < 60; i++) writer.enqueue(s.id, event('r', 'p', s.startedAt + 100 + i, []));
      assert.equal(writer.dropped, 20, '60 in flight + 40 queued reach the bound of 100');
      assert.equal(counted, 20);
      assert.equal(store.session(s.id)?.events, 0, 'nothing committed while the disk is stalled');
      blocker.exec('ROLLBACK');
      await posted;
      await writer.flush();
    } finally {
      if (blocker.inTransaction) blocker.exec('ROLLBACK');
      blocker.close();
    }
    assert.equal(writer.written, 100);
    assert.equal(store.session(s.id)?.events, 100);
    await writer.close();
    store.close();
  });

  it('refuses a bad marker with BAD_REQUEST naming the field and writes nothing', async () => {
    using tmp = tempDir();
    const store = Store.open(tmp.dir);
    const recorder = new SessionRecorder(store, await EventWriter.open(store, { queueLimit: 10, flushMs: 1000, logger: log }), log);
    assert.match(codeOf(() => recorder.addMarker('r', { label: 'task 1' })), /^NOT_FOUND/);
    const session = await recorder.start('r', []);
    assert.match(codeOf(() => recorder.addMarker('r', { label: '' })), /^BAD_REQUEST: label:/);
    assert.match(codeOf(() => recorder.addMarker('r', { label: 'x'.repeat(201) })), /^BAD_REQUEST: label:/);
    assert.match(codeOf(() => recorder.addMarker('r', { label: 'a\u0007b' })), /^BAD_REQUEST: label:/);
    assert.match(codeOf(() => recorder.addMarker('r', { label: 'ok', colour: 'red' })), /^BAD_REQUEST/);
    assert.match(codeOf(() => recorder.addMarker('r', { label: 'ok', at: session.startedAt - 1 })), /^BAD_REQUEST: at:/);
    assert.match(codeOf(() => recorder.addMarker('r', 'task 2')), /^BAD_REQUEST/);
    assert.equal(store.markers(session.id).length, 0);
    const marker = recorder.addMarker('r', { label: '  task 2 start ', note: 'second task' });
    assert.equal(marker.label, 'task 2 start');
    assert.deepEqual(store.markers(session.id), [marker]);
    await recorder.close();
    store.close();
  });

  it('closes sessions a crashed run left open as interrupted, at their last event; the next publisher starts a new one', async () => {
    using tmp = tempDir();
    const store = Store.open(tmp.dir);
    const ended = store.startSession('r', 'auto', 500);
    store.endSession(ended.id, 900);
    const s = store.startSession('r', 'auto', 1_000);
    const empty = store.startSession('q', 'manual', 2_000);
    assert.equal(store.session(s.id)?.status, 'recording');
    const writer = await EventWriter.open(store, { queueLimit: 10, flushMs: 1000, logger: log });
    writer.enqueue(s.id, event('r', 'p', 5_000, []));
    writer.enqueue(s.id, event('r', 'p', 3_000, []));
    await writer.close();
    store.close(); // no endSession: as after a crash
    const reopened = Store.open(tmp.dir);
    const recorder = new SessionRecorder(reopened, await EventWriter.open(reopened, { queueLimit: 10, flushMs: 1000, logger: log }), log);
    assert.deepEqual(
      [reopened.session(s.id)?.status, reopened.session(s.id)?.endedAt, reopened.session(s.id)?.events],
      ['interrupted', 5_000, 2],
      'ended at its latest event',
    );
    assert.deepEqual([reopened.session(empty.id)?.status, reopened.session(empty.id)?.endedAt], ['interrupted', 2_000], 'no event: ended at its start');
    assert.deepEqual([reopened.session(ended.id)?.status, reopened.session(ended.id)?.endedAt], ['ended', 900], 'a session that ended stays as it was');
    recorder.participantAnalysed('r', 'p2', 'Ana');
    const next = recorder.current('r');
    assert.ok(next && next.id !== s.id, 'a returning publisher starts a new session');
    assert.equal(next.status, 'recording');
    await recorder.close();
    assert.equal(reopened.session(next.id)?.status, 'ended', 'a session closed by the server is ended, not interrupted');
    reopened.close();
  });

  it('migrates a version-1 database with an open session, which then reads as interrupted', async () => {
    using tmp = tempDir();
    const raw = new Database(`${tmp.dir}/affectcast.db`);
    raw.exec(MIGRATIONS[0] as string);
    raw.pragma('user_version = 1');
    raw.prepare("INSERT INTO sessions (id, room, started_at, started_by) VALUES ('old', 'r', 10, 'auto')").run();
    raw.prepare("INSERT INTO sessions (id, room, started_at, ended_at, started_by) VALUES ('done', 'r', 1, 5, 'auto')").run();
    raw.close();
    const store = Store.open(tmp.dir);
    assert.equal(store.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    assert.deepEqual(store.endDanglingSessions(), ['old']);
    assert.deepEqual(store.sessions('r').map((x) => [x.id, x.status]), [['old', 'interrupted'], ['done', 'ended']]);
    store.close();
  });

  it('retention deletes sessions that ended more than N days ago (events, markers, alerts with them) and keeps open ones', async () => {
    using tmp = tempDir();
    const store = Store.open(tmp.dir);
    const day = 86_400_000;
    const now = Date.now();
    const old = store.startSession('r', 'auto', now - 10 * day);
    store.addMarker(old.id, now - 10 * day, 'm', undefined);
    store.addAlert({ sessionId: old.id, at: now - 10 * day, ruleId: 'x', kind: 'face-lost', peerId: 'p', displayName: 'A', faceId: null, message: 'm' });
    store.endSession(old.id, now - 9 * day);
    const recent = store.startSession('r', 'auto', now - 2 * day);
    store.endSession(recent.id, now - day);
    const open = store.startSession('r', 'auto', now - 20 * day);
    const retention = new Retention(store, 7, log); // enforces at start
    assert.deepEqual(
      store.sessions('r').map((s) => s.id).sort(),
      [recent.id, open.id].sort(),
    );
    assert.equal(store.db.prepare('SELECT count(*) FROM markers').pluck().get(), 0);
    assert.equal(store.db.prepare('SELECT count(*) FROM alerts').pluck().get(), 0);
    assert.equal(retention.enforce(now + 30 * day), 1, 'the recent one goes once it is old enough; the open one stays');
    retention.close();
    store.close();
  });

  it('keeps revocations', async () => {
    using tmp = tempDir();
    const store = Store.open(tmp.dir);
    store.recordToken({ id: 'abcdefgh1', room: 'r', role: 'overlay', expiresAt: Date.now() + 1000 });
    assert.equal(store.isRevoked('abcdefgh1'), false);
    const told: string[] = [];
    const stop = store.onRevoked((id) => told.push(id));
    assert.equal(store.revokeToken('abcdefgh1'), true);
    assert.equal(store.revokeToken('abcdefgh1'), false, 'a second revocation changes nothing');
    assert.equal(store.isRevoked('abcdefgh1'), true);
    assert.deepEqual(told, ['abcdefgh1'], 'listeners hear of a new revocation once');
    stop();
    store.revokeToken('unminted-1');
    assert.deepEqual(told, ['abcdefgh1'], 'a removed listener hears nothing');
    assert.deepEqual(store.revokedTokens().map((r) => r.id).sort(), ['abcdefgh1', 'unminted-1']);
    assert.deepEqual(store.tokens('r').map((t) => [t.id, t.revoked]), [['abcdefgh1', true]]);
    store.close();
    assert.equal(store.isRevoked('anything'), true, 'a closed store admits nobody');
  });
});
