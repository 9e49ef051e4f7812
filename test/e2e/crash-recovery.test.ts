// Nothing recorded is lost when the server is killed. A real `affectcast serve` records a publisher (Chromium's
// fake camera → meeting page → mediasoup → ffmpeg → ONNX); the test reads what the server reports as recorded
// (the session's committed event count, the export of the committed events, affectcast_recorded_events_total),
// kills the process with SIGKILL mid-session, restarts it on the same data directory and reads the database:
// every event reported before the kill is there, byte for byte, and the database is intact; the session reads
// as interrupted, ended at its last event; a publisher who returns starts a new session.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { SessionInfo } from '../../src/contracts/session.js';
import { DATABASE_FILE } from '../../src/store/Store.js';
import {
  acceptConsent,
  isAlive,
  launchBrowser,
  liveChildProcesses,
  startServeProcess,
  testMedia,
  until,
  type ServeProcess,
  type TestBrowser,
} from '../support/index.js';

const ROOM = 'crash';

const tokenOf = (url: string): string => new URL(url).searchParams.get('token') ?? '';

async function sessions(server: ServeProcess): Promise<SessionInfo[]> {
  const res = await fetch(`${server.urls.base}/api/rooms/${ROOM}/sessions`, { headers: { authorization: `Bearer ${tokenOf(server.urls.dashboard)}` } });
  assert.equal(res.status, 200);
  return ((await res.json()) as { sessions: SessionInfo[] }).sessions;
}

/** The session's recorded events as the export gives them (JSON lines of type event). */
async function exportedEvents(server: ServeProcess, sessionId: string): Promise<string[]> {
  const res = await fetch(`${server.urls.base}/api/rooms/${ROOM}/events?format=jsonl&session=${sessionId}`, {
    headers: { authorization: `Bearer ${tokenOf(server.urls.dashboard)}` },
  });
  assert.equal(res.status, 200);
  return (await res.text()).split('\n').filter((line) => line.includes('"type":"event"'));
}

async function recordedCounter(server: ServeProcess): Promise<number> {
  const text = await (await fetch(`${server.urls.base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('affectcast_recorded_events_total '));
  assert.ok(line, 'the metrics carry affectcast_recorded_events_total');
  return Number(line.split(' ')[1]);
}

describe('a killed server loses no recorded event', { timeout: 280_000 }, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-crash-'));
  const servers: ServeProcess[] = [];
  let browser: TestBrowser | undefined;
  const orphans: number[] = [];

  after(async () => {
    await browser?.close();
    for (const server of servers) await server.stop();
    for (const pid of orphans) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every event committed before SIGKILL, marks the session interrupted, and starts a new one', { timeout: 260_000 }, async (ctx) => {
    const env = { AFFECTCAST_ANALYSIS_FPS: '5' };
    const first = await startServeProcess(['--room', ROOM], env, { dataDir });
    servers.push(first);
    browser = await launchBrowser({ name: 'crash-recovery', y4m: testMedia().astronautY4m });
    const page = await browser.newPage(`${first.urls.meeting}&name=Ana`);
    await acceptConsent(page, 30_000);

    const recording = await until(async () => (await sessions(first)).find((s) => s.status === 'recording' && s.events >= 20), 120_000, '20 recorded events');
    // What the server reports as recorded, read last thing before the kill: every line of it must survive.
    const committed = await exportedEvents(first, recording.id);
    const counted = await recordedCounter(first);
    const childInfo = liveChildProcesses(undefined, first.child.pid);
    const children = childInfo.map((c) => c.pid);
    first.child.kill('SIGKILL');
    await until(() => first.child.exitCode !== null || first.child.signalCode !== null, 10_000, 'the killed server to exit');
    assert.ok(committed.length >= 20 && counted >= committed.length, `reported before the kill: ${committed.length} exported, ${counted} counted`);

    // Its workers and decoders lose their parent and must not outlive it: decoders are tied to the server's
    // process (PR_SET_PDEATHSIG), mediasoup workers exit when their channel closes. (The test ends any left.)
    orphans.push(...children);
    assert.ok(childInfo.some((c) => c.comm === 'ffmpeg'), `a decoder ran before the kill: ${childInfo.map((c) => c.comm).join(', ')}`);
    await until(() => children.every((pid) => !isAlive(pid)), 20_000, "the killed server's children to exit").catch((error: unknown) => {
      const alive = childInfo.filter((c) => isAlive(c.pid)).map((c) => `${c.comm} ${c.pid}`);
      assert.fail(`children still alive after the kill: ${alive.join(', ')} (${(error as Error).message})`);
    });

    const second = await startServeProcess(['--room', ROOM], env, { dataDir });
    servers.push(second);
    const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      const rows = db.prepare('SELECT at, body FROM events WHERE session_id = ? ORDER BY id').all(recording.id) as Array<{ at: number; body: string }>;
      assert.ok(rows.length >= counted, `the database holds ${rows.length} events of the session, ${counted} were counted as recorded`);
      for (const row of rows) {
        const parsed = JSON.parse(row.body) as { v: number; capturedAt: number; roomId: string };
        assert.deepEqual([parsed.v, parsed.capturedAt, parsed.roomId], [1, row.at, ROOM], 'every row is a whole AffectEvent');
      }
      const lastAt = Math.max(...rows.map((r) => r.at));
      const interrupted = (await sessions(second)).find((s) => s.id === recording.id);
      assert.deepEqual([interrupted?.status, interrupted?.endedAt], ['interrupted', lastAt], 'interrupted, ended at its last event');
      const survived = new Set(await exportedEvents(second, recording.id));
      const lost = committed.filter((line) => !survived.has(line));
      assert.equal(lost.length, 0, `events reported as recorded but missing or changed after the restart: ${lost.slice(0, 2).join('\n')}`);
      ctx.diagnostic(`before SIGKILL: ${committed.length} exported, ${counted} counted as recorded; after restart: ${rows.length} in the database, 0 lost`);
    } finally {
      db.close();
    }

    // The publisher returns (a new page: the restarted server listens on another port): a new session records.
    await page.close();
    const back = await browser.newPage(`${second.urls.meeting}&name=Ana`);
    await acceptConsent(back, 30_000);
    const next = await until(async () => (await sessions(second)).find((s) => s.status === 'recording' && s.events > 0), 120_000, 'a new recording session');
    assert.notEqual(next.id, recording.id);
    await back.close();
  });
});
