// The export of a two-hour recording (10 Hz, two faces: 144 000 face rows) streamed over HTTP in constant
// memory, as CSV a spreadsheet opens (BOM, CRLF, neutralised formulas, markers on the timeline) and as JSON
// lines; the same rows from `affectcast export`; `affectcast token` mints a token the server admits, and
// `affectcast token revoke` revokes it in the running server.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { AffectEvent } from '../../src/contracts/affect.js';
import { EXPORT_COLUMNS } from '../../src/store/export/columns.js';
import { affectEvent, face } from '../support/affectEvents.js';
import { REPO_ROOT, startTestApp, until, type TestApp } from '../support/index.js';

const ROOM = 'study';
const HZ = 10;
const SECONDS = 2 * 3600;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Streams a GET, discarding the body; returns its size, line count, first 4 KiB, and the peak heap seen. */
function download(url: string): Promise<{ status: number; bytes: number; lines: number; head: string; tail: string; peakHeap: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let bytes = 0;
        let lines = 0;
        let head = '';
        let tail = '';
        let peakHeap = 0;
        const sample = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
          if (head.length < 4096) head += chunk.toString('utf8', 0, Math.min(chunk.length, 4096));
          tail = (tail + chunk.toString('utf8')).slice(-4096);
        });
        res.on('end', () => {
          clearInterval(sample);
          resolve({ status: res.statusCode ?? 0, bytes, lines, head, tail, peakHeap });
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test', 'support', 'runCli.ts'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('export', { timeout: 300_000 }, () => {
  let t: TestApp;
  let sessionId: string;
  let startedAt: number;
  const token = () => encodeURIComponent(t.token('dashboard', ROOM));

  before(async () => {
    t = await startTestApp();
    const { store, writer } = t.app.recording;
    startedAt = Date.UTC(2026, 0, 5, 9, 0, 0);
    const session = store.startSession(ROOM, 'manual', startedAt);
    sessionId = session.id;
    store.addParticipant(sessionId, 'peer-1', '=HYPERLINK("http://x","Zoë")');
    // Written as the recorder writes them (EventWriter batches), in chunks below its queue limit.
    const faces = [face({ faceId: 0, valence: -0.25, top: 'sadness', p: 0.5 }), face({ faceId: 1, valence: 0.5, au: null })];
    for (let i = 0; i < HZ * SECONDS; i++) {
      const event: AffectEvent = affectEvent(ROOM, 'peer-1', faces, startedAt + (i * 1000) / HZ);
      writer.enqueue(sessionId, event);
      if (writer.queued >= 5_000) await writer.flush();
    }
    await writer.flush();
    store.addMarker(sessionId, startedAt + 60_000, 'task 2 start', '+1 said "go", then left');
    store.endSession(sessionId, startedAt + SECONDS * 1000);
  });

  after(async () => {
    await t?.close();
  });

  it('streams a two-hour session as CSV in constant memory', async (ctx) => {
    gc();
    const baseline = process.memoryUsage().heapUsed;
    const r = await download(`${t.baseUrl}/api/rooms/${ROOM}/events?format=csv&session=${sessionId}&token=${token()}`);
    assert.equal(r.status, 200);
    const growthMb = (r.peakHeap - baseline) / 2 ** 20;
    ctx.diagnostic(`CSV ${(r.bytes / 2 ** 20).toFixed(1)} MiB, ${r.lines} lines; heap growth at peak ${growthMb.toFixed(1)} MiB`);
    assert.equal(r.lines, 1 + HZ * SECONDS * 2 + 1, 'header, one row per face per event, the marker');
    assert.ok(r.bytes > 40 * 2 ** 20, `the export is large (${r.bytes} bytes)`);
    assert.ok(growthMb < 40, `heap grew ${growthMb.toFixed(1)} MiB for a ${(r.bytes / 2 ** 20).toFixed(0)} MiB export`);
    assert.ok(r.head.startsWith('\uFEFF'), 'BOM for spreadsheets');
    const [header, first] = r.head.slice(1).split('\r\n');
    assert.equal(header, EXPORT_COLUMNS.join(','));
    const cells = (first ?? '').split(',');
    assert.equal(cells[EXPORT_COLUMNS.indexOf('time_iso')], '2026-01-05T09:00:00.000Z');
    assert.equal(cells[EXPORT_COLUMNS.indexOf('ms_since_session_start')], '0');
    assert.ok(r.head.includes(`"'=HYPERLINK(""http://x"",""Zoë"")"`), 'the name is quoted and cannot run as a formula');
    assert.ok(r.tail.endsWith('\r\n'));
  });

  it('a client that goes away mid-export releases the export\'s database connection', async () => {
    const { store } = t.app.recording;
    // A reader's snapshot keeps a TRUNCATE checkpoint from completing (busy = 1): that shows whether the
    // export's read connection is still open.
    const checkpointBusy = () => {
      store.db.pragma('busy_timeout = 0'); // answer at once rather than wait for the reader
      try {
        return (store.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>)[0]?.busy;
      } finally {
        store.db.pragma('busy_timeout = 5000');
      }
    };
    store.db.prepare('INSERT INTO markers (session_id, at, label) VALUES (?, ?, ?)').run(sessionId, startedAt + 1, 'wal');
    const req = http.get(`${t.baseUrl}/api/rooms/${ROOM}/events?session=${sessionId}&token=${token()}`);
    const res = await new Promise<http.IncomingMessage>((resolve) => req.once('response', resolve));
    await new Promise((resolve) => res.once('data', resolve));
    res.pause();
    store.db.prepare('DELETE FROM markers WHERE label = ?').run('wal');
    assert.equal(checkpointBusy(), 1, 'the export holds its snapshot while the client is there');
    req.destroy();
    await until(() => checkpointBusy() === 0, 10_000, 'the export connection closed after the client left');
  });

  it('puts markers on the timeline, filters by time, and writes JSON lines', async () => {
    const from = new Date(startedAt + 59_000).toISOString();
    const to = startedAt + 61_000;
    const res = await fetch(`${t.baseUrl}/api/rooms/${ROOM}/events?format=csv&session=${sessionId}&from=${from}&to=${to}&bom=0&token=${token()}`);
    const body = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    assert.ok(!body.startsWith('\uFEFF'), 'bom=0');
    const rows = body.split('\r\n').slice(0, -1);
    assert.equal(rows.length, 1 + (2 * HZ + 1) * 2 + 1, 'header, events from 59 s to 61 s inclusive (two faces each), the marker');
    const markerAt = rows.findIndex((row) => row.startsWith('marker,'));
    assert.ok(markerAt > 0);
    assert.match(rows[markerAt] ?? '', /,60000,.*,task 2 start,"'\+1 said ""go"", then left"$/);
    assert.match(rows[markerAt - 1] ?? '', /,60000,/, 'the event of the same ms comes first');
    assert.match(rows[markerAt + 1] ?? '', /,60100,/);

    const jsonl = await (await fetch(`${t.baseUrl}/api/rooms/${ROOM}/events?format=jsonl&session=${sessionId}&from=${startedAt}&to=${startedAt + 999}&token=${token()}`)).text();
    const lines = jsonl.trim().split('\n').map((l) => JSON.parse(l) as { type: string; msSinceSessionStart: number; participantName?: string; faces?: unknown[] });
    assert.equal(lines.length, HZ, 'one line per event in jsonl');
    assert.deepEqual([lines[0]?.type, lines[0]?.msSinceSessionStart, lines[0]?.faces?.length], ['event', 0, 2]);
    assert.equal(lines[0]?.participantName, '=HYPERLINK("http://x","Zoë")', 'JSON keeps the text as is');
  });

  it('gives a dashboard the session so far: the latest events, or thinned to one per stream per interval', async (ctx) => {
    type History = { session: { id: string }; events: AffectEvent[]; markers: unknown[]; truncated: boolean };
    const get = async (q: string) => (await (await fetch(`${t.baseUrl}/api/rooms/${ROOM}/history?session=${sessionId}&${q}&token=${token()}`)).json()) as History;
    let t0 = performance.now();
    const latest = await get('');
    ctx.diagnostic(`latest 5000 events: ${(performance.now() - t0).toFixed(0)} ms`);
    assert.equal(latest.events.length, 5_000);
    assert.equal(latest.truncated, true);
    assert.equal(latest.events.at(-1)?.capturedAt, startedAt + ((HZ * SECONDS - 1) * 1000) / HZ, 'the most recent, oldest first');
    assert.equal(latest.markers.length, 1);
    t0 = performance.now();
    const thin = await get('everyMs=1000&limit=50000');
    ctx.diagnostic(`two hours thinned to 1 s: ${(performance.now() - t0).toFixed(0)} ms`);
    assert.equal(thin.events.length, SECONDS, 'one per second for two hours');
    assert.equal(thin.truncated, false);
    const gaps = new Set(thin.events.slice(1).map((e, i) => e.capturedAt - (thin.events[i] as AffectEvent).capturedAt));
    assert.deepEqual([...gaps], [1000]);
  });

  it('lists sessions, and `affectcast export` writes the same CSV', async () => {
    const list = (await (await fetch(`${t.baseUrl}/api/rooms/${ROOM}/sessions?token=${token()}`)).json()) as { sessions: Array<{ id: string; events: number; markers: number }> };
    assert.deepEqual(list.sessions.map((s) => [s.id, s.events, s.markers]), [[sessionId, HZ * SECONDS, 1]]);
    const out = path.join(t.dataDir, 'out.csv');
    const r = cli(['export', '--room', ROOM, '--session', sessionId, '--from', String(startedAt + 59_000), '--to', String(startedAt + 61_000), '--out', out, '--data-dir', t.dataDir]);
    assert.equal(r.status, 0, r.stderr);
    const http = Buffer.from(await (await fetch(`${t.baseUrl}/api/rooms/${ROOM}/events?session=${sessionId}&from=${startedAt + 59_000}&to=${startedAt + 61_000}&token=${token()}`)).arrayBuffer());
    assert.ok(http.length > 1000);
    assert.ok(fs.readFileSync(out).equals(http), 'the same bytes, BOM included');
    const bad = cli(['export', '--room', ROOM, '--session', 'missing', '--out', out, '--data-dir', t.dataDir]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /NOT_FOUND/);
    assert.equal(cli(['export', '--room', 'bad room', '--out', out, '--data-dir', t.dataDir]).status, 2);
  });

  it('`affectcast token` mints a token the server admits; `token revoke` revokes it in the running server', async () => {
    const r = cli(['token', '--room', ROOM, '--role', 'overlay', '--ttl', '1d', '--data-dir', t.dataDir]);
    assert.equal(r.status, 0, r.stderr);
    const id = /^id: (\S+)$/m.exec(r.stdout)?.[1];
    const url = /^url: (\S+)$/m.exec(r.stdout)?.[1];
    const expires = Date.parse(/^expires: (\S+)$/m.exec(r.stdout)?.[1] ?? '');
    assert.ok(id && url);
    assert.ok(Math.abs(expires - (Date.now() + 86_400_000)) < 10_000);
    const page = url.replace(/^http:\/\/[^/]+/, t.baseUrl);
    assert.equal((await fetch(page)).status, 200);
    assert.equal(cli(['token', 'revoke', id, '--data-dir', t.dataDir]).status, 0);
    assert.equal((await fetch(page)).status, 401);
    for (const args of [['--role', 'viewer'], ['--ttl', '1y'], ['--ttl', '400d'], []]) {
      assert.equal(cli(['token', '--room', ROOM, '--role', 'overlay', '--data-dir', t.dataDir, ...args].slice(0, args.length ? undefined : 2)).status, 2, args.join(' '));
    }
  });
});
