// The command line as users and tools run it: `affectcast serve` prints its URLs and `ready`, serves
// /healthz and /metrics, and exits cleanly on SIGTERM; bad flags are one clear error; `analyze` prints
// AffectEvents for a file.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { test } from 'node:test';
import { AffectEventSchema } from '../../src/contracts/affect.js';
import { REPO_ROOT, isAlive, testMedia, until } from '../support/index.js';

const BIN = path.join(REPO_ROOT, 'bin', 'affectcast.js');

test('serve prints the meeting, overlay and dashboard URLs, then ready; SIGTERM stops everything', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-cli-'));
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--room', 'cli-room', '--data-dir', dataDir], {
    env: { ...process.env, AFFECTCAST_LOG_LEVEL: 'warn', AFFECTCAST_WORKERS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    const lines: string[] = [];
    const rl = readline.createInterface({ input: child.stdout });
    rl.on('line', (line) => lines.push(line));
    await until(() => lines.includes('ready'), 30_000, `'ready' (stderr: ${stderr})`);
    assert.equal(lines.length, 4, lines.join('\n'));
    const [meeting, overlay, dashboard] = lines;
    assert.match(meeting ?? '', /^meeting: http:\/\/127\.0\.0\.1:\d+\/room\/cli-room\?token=ac1\./);
    assert.match(overlay ?? '', /^overlay: http:\/\/127\.0\.0\.1:\d+\/overlay\?room=cli-room&token=ac1\./);
    assert.match(dashboard ?? '', /^dashboard: http:\/\/127\.0\.0\.1:\d+\/dashboard\?room=cli-room&token=ac1\./);
    const url = (line: string | undefined) => (line ?? '').replace(/^\w+: /, '');
    for (const line of [meeting, overlay, dashboard]) assert.equal((await fetch(url(line))).status, 200, line);
    const base = new URL(url(meeting)).origin;
    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual({ ...((await health.json()) as Record<string, unknown>), uptimeS: 0 }, { status: 'ok', profile: 'default', rooms: 0, uptimeS: 0 });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /^affectcast_rooms 0$/m);
    assert.match(metrics, /affectcast_process_cpu_seconds_total/);
    // each printed token grants its own page only
    assert.equal((await fetch(url(overlay).replace('/overlay', '/dashboard'))).status, 403);

    const workers = spawnSync('pgrep', ['-P', String(child.pid), 'mediasoup-worke'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
    assert.equal(workers.length, 1, 'one mediasoup worker');
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, stderr);
    for (const pid of workers) assert.equal(isAlive(pid), false, `worker ${pid} gone`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a bad flag or config is one clear error with a usage exit code, not a stack trace', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, AFFECTCAST_LOG_LEVEL: 'silent' } });
  const badRoom = run('serve', '--room', 'no spaces');
  assert.equal(badRoom.status, 2);
  assert.match(badRoom.stderr, /room names use letters/);
  assert.doesNotMatch(badRoom.stderr, /at .*\.js:\d+/);
  const unknown = run('serve', '--bogus');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /bogus/);
  assert.equal(run('frobnicate').status, 2);
  const untrained = run('serve', '--port', '0', '--profile', 'avmt', '--data-dir', os.tmpdir());
  assert.equal(untrained.status, 1);
  assert.match(untrained.stderr, /avmt|MODEL_MISSING|MODEL_UNTRAINED/);
});

test('analyze prints one AffectEvent per analysed frame of a file, with its media time', () => {
  const { astronautY4m } = testMedia();
  const r = spawnSync(process.execPath, [BIN, 'analyze', astronautY4m, '--fps', '2'], { encoding: 'utf8', env: { ...process.env, AFFECTCAST_LOG_LEVEL: 'warn' } });
  assert.equal(r.status, 0, r.stderr);
  const events = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(events.length, 4, '2 s of video at 2 fps');
  for (const e of events) assert.ok(AffectEventSchema.safeParse(e).success);
  const times = events.map((e) => e.mediaTimeMs as number);
  [0, 500, 1000, 1500].forEach((ms, i) => assert.ok(Math.abs((times[i] ?? -1e9) - ms) < 70, `frame ${i} at ${times[i]} ms`));
  const missing = spawnSync(process.execPath, [BIN, 'analyze', '/nonexistent.mp4'], { encoding: 'utf8' });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no such file/);
});
