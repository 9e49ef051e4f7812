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
  it('opens one WAL database at the latest schema version, and reopens it unchanged', () => {
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

  it('refuses a database from a newer version', () => {
    using tmp = tempDir();
    Store.open(tmp.dir).close();
    const raw = new Database(`${tmp.dir}/affectcast.db`);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    assert.throws(() => Store.open(tmp.dir), /newer than this affectcast/);
  });

  it('records events of an open session in batches, and none after a stop', () => {
    using tmp = tempDir();
    const store = Store.open(tmp.dir);
    const writer = new EventWriter(store, { queueLimit: 1000, flushMs: 10_000, logger: log });
    const recorder = new SessionRecorder(store, writer, log);
    recorder.record(event('r1', 'p1', 1, [face(0, 0.5)])); // no session yet: not recorded
    recorder.participantAnalysed('r1', 'p1', 'Ana');
    const session = recorder.current('r1');
    assert.ok(session);
    assert.equal(session.startedBy, 'auto');
    for (let i = 0; i < 5; i++) recorder.record(event('r1', 'p1', session.startedAt + i * 100, [face(0, 0.1 * i)]));
    assert.equal(store.session(session.id)?.events, 0, 'written only at flush');
    assert.equal(writer.queued, 5);
    const stopped = recorder.stop('r1');
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
    recorder.close();
    store.close();
  });

  it('drops events beyond the queue limit, counts every one and logs once per episode', () => {
    using tmp = tempDir();
    const store = Store.open(tmp.dir);
    const warnings: string[] = [];
    const logger = { ...log, child: () => ({ ...log, warn: (_o: unknown, m: string) => warnings.push(m), error: () => undefined }) } as unknown as typeof log;
    let counted = 0;
    const writer = new EventWriter(store, { queueLimit: 10, flushMs: 10_000, logger, onDrop: (n) => (counted += n) });
    const s = store.startSession('r', 'manual');
    for (let i = 0; i < 25; i++) writer.enqueue(s.id, event('r', 'p', s.startedAt + i, []));
    assert.equal(writer.queued, 10);
    assert.equal(writer.dropped, 15);
    assert.equal(counted, 15);
    assert.equal(warnings.filter((w) => w.includes('queue full')).length, 1);
    assert.equal(writer.flush(), 10);
    assert.equal(store.session(s.id)?.events, 10);
    writer.close();
    store.close();
  });

  it('refuses a bad marker with BAD_REQUEST naming the field and writes nothing', () => {
    using tmp = tempDir();
    const store = Store.open(tmp.dir);
    const recorder = new SessionRecorder(store, new EventWriter(store, { queueLimit: 10, flushMs: 1000, logger: log }), log);
    assert.match(codeOf(() => recorder.addMarker('r', { label: 'task 1' })), /^NOT_FOUND/);
    const session = recorder.start('r', []);
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
    recorder.close();
    store.close();
  });

  it('ends sessions a crashed run left open, at their last event', () => {
    using tmp = tempDir();
    const store = Store.open(tmp.dir);
    const s = store.startSession('r', 'auto', 1_000);
    const writer = new EventWriter(store, { queueLimit: 10, flushMs: 1000, logger: log });
    writer.enqueue(s.id, event('r', 'p', 5_000, []));
    writer.flush();
    store.close(); // no endSession: as after a crash
    const reopened = Store.open(tmp.dir);
    new SessionRecorder(reopened, new EventWriter(reopened, { queueLimit: 10, flushMs: 1000, logger: log }), log);
    assert.equal(reopened.session(s.id)?.endedAt, 5_000);
    reopened.close();
  });

  it('retention deletes sessions that ended more than N days ago (events, markers, alerts with them) and keeps open ones', () => {
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

  it('keeps revocations', () => {
    using tmp = tempDir();
    const store = Store.open(tmp.dir);
    store.recordToken({ id: 'abcdefgh1', room: 'r', role: 'overlay', expiresAt: Date.now() + 1000 });
    assert.equal(store.isRevoked('abcdefgh1'), false);
    store.revokeToken('abcdefgh1');
    store.revokeToken('abcdefgh1');
    assert.equal(store.isRevoked('abcdefgh1'), true);
    assert.deepEqual(store.tokens('r').map((t) => [t.id, t.revoked]), [['abcdefgh1', true]]);
    store.close();
    assert.equal(store.isRevoked('anything'), true, 'a closed store admits nobody');
  });
});
