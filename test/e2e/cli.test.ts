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
import { PROJECT_ROOT } from '../../src/config/schema.js';
import { AffectEventSchema } from '../../src/contracts/affect.js';
import { io as ioClient } from 'socket.io-client';
import type { ErrorPayload } from '../../src/contracts/errors.js';
import { AFFECTCAST_BIN as BIN, cleanEnv, isAlive, liveChildProcesses, startServeProcess, testMedia, until } from '../support/index.js';

/** Every child gets a deadline: a hang fails its test instead of eating the CI budget. */
const CHILD_TIMEOUT_MS = 60_000;

test('serve prints the meeting, overlay and dashboard URLs, then ready; SIGTERM stops everything', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-cli-'));
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--room', 'cli-room', '--data-dir', dataDir], {
    env: cleanEnv({ AFFECTCAST_LOG_LEVEL: 'warn', AFFECTCAST_WORKERS: '1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: CHILD_TIMEOUT_MS,
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
    assert.deepEqual(
      { ...((await health.json()) as Record<string, unknown>), uptimeS: 0 },
      { status: 'ok', profile: 'default', rooms: 0, workers: 1, decoders: 0, uptimeS: 0 },
    );
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /^affectcast_rooms 0$/m);
    assert.match(metrics, /affectcast_process_cpu_seconds_total/);
    // each printed token grants its own page only
    assert.equal((await fetch(url(overlay).replace('/overlay', '/dashboard'))).status, 403);

    const workers = liveChildProcesses('mediasoup-worke', child.pid).map((c) => c.pid);
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
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: cleanEnv({ AFFECTCAST_LOG_LEVEL: 'silent' }), timeout: CHILD_TIMEOUT_MS });
  const badRoom = run('serve', '--room', 'no spaces');
  assert.equal(badRoom.status, 2);
  assert.match(badRoom.stderr, /room names use letters/);
  assert.doesNotMatch(badRoom.stderr, /at .*\.js:\d+/);
  const unknown = run('serve', '--bogus');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /bogus/);
  assert.equal(run('frobnicate').status, 2);
  // An empty models directory: the avmt profile has nothing to load, whatever exports this machine holds
  // (a trained export in the default directory would otherwise start a server that never exits).
  const emptyModels = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-nomodels-'));
  try {
    const missing = spawnSync(process.execPath, [BIN, 'serve', '--port', '0', '--profile', 'avmt', '--data-dir', os.tmpdir()], {
      encoding: 'utf8',
      env: cleanEnv({ AFFECTCAST_LOG_LEVEL: 'silent', AFFECTCAST_MODELS_DIR: emptyModels }),
      timeout: CHILD_TIMEOUT_MS,
    });
    assert.equal(missing.status, 1, missing.stderr);
    assert.match(missing.stderr, /MODEL_MISSING/);
  } finally {
    fs.rmSync(emptyModels, { recursive: true, force: true });
  }
});

test('a corrupt or missing model stops serve before it listens, with exit code 1 and one line naming the fix', () => {
  // A copy of the built models with one file damaged: one byte flipped (same size, other sha256), or gone.
  const damaged: Array<[id: string, damage: 'corrupt' | 'missing', expected: RegExp]> = [
    ['mediapipe-blendshapes', 'corrupt', /^affectcast: model 'mediapipe-blendshapes': .*does not match its manifest \(sha256 .*run `affectcast models build` to \(re\)create it \[MODEL_MISSING\]$/],
    ['faceapi-expression', 'missing', /^affectcast: model 'faceapi-expression': .*faceapi-expression\.onnx does not exist.*run `affectcast models build` to \(re\)create it \[MODEL_MISSING\]$/],
  ];
  const built = path.join(PROJECT_ROOT, 'models', 'build');
  for (const [id, damage, expected] of damaged) {
    const models = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-badmodels-'));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-cli-'));
    try {
      fs.cpSync(built, models, { recursive: true });
      const file = path.join(models, `${id}.onnx`);
      assert.ok(fs.existsSync(file), `${file} (run setup first)`);
      if (damage === 'missing') fs.rmSync(file);
      else {
        const bytes = fs.readFileSync(file);
        const at = Math.floor(bytes.length / 2);
        bytes[at] = (bytes[at] ?? 0) ^ 0xff;
        fs.writeFileSync(file, bytes);
      }
      const r = spawnSync(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir], {
        encoding: 'utf8',
        env: cleanEnv({ AFFECTCAST_LOG_LEVEL: 'silent', AFFECTCAST_WORKERS: '1', AFFECTCAST_MODELS_DIR: models }),
        timeout: CHILD_TIMEOUT_MS,
      });
      assert.equal(r.status, 1, `${damage} ${id}: ${r.stderr}`);
      assert.equal(r.stdout, '', `${damage} ${id}: no URL and no 'ready' (it never listened)`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line for a ${damage} ${id}:\n${r.stderr}`);
      assert.match(lines[0] ?? '', expected);
    } finally {
      fs.rmSync(models, { recursive: true, force: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
});

test('a port in use or a host that is not this machine ends with one clear line and exit code 1', async () => {
  await using running = await startServeProcess();
  const port = new URL(running.urls.base).port;
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, 'serve', '--data-dir', running.dataDir, ...args], {
      encoding: 'utf8',
      env: cleanEnv({ AFFECTCAST_LOG_LEVEL: 'silent', AFFECTCAST_WORKERS: '1' }),
      timeout: CHILD_TIMEOUT_MS,
    });
  for (const [args, expected] of [
    [['--port', port], /already in use.*choose another --port \[LISTEN_FAILED\]$/],
    [['--port', '0', '--host', '192.0.2.1'], /not an address of this machine.*--host \[LISTEN_FAILED\]$/],
  ] as const) {
    const r = run(...args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line for ${args.join(' ')}:\n${r.stderr}`);
    assert.match(lines[0] ?? '', expected);
  }
});

test('SIGTERM tells connected clients the server is shutting down and logs no failure', async () => {
  const server = await startServeProcess(['--room', 'bye'], { AFFECTCAST_LOG_LEVEL: 'info' });
  try {
    const token = new URL(server.urls.meeting).searchParams.get('token');
    const socket = ioClient(`${server.urls.base}/sfu`, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const joined = await socket.timeout(5_000).emitWithAck('join', { displayName: 'Stayer' });
    assert.equal(joined.ok, true);
    const notice = new Promise<ErrorPayload>((resolve) => socket.once('closing', resolve));
    const code = await server.stop();
    assert.equal(code, 0);
    assert.deepEqual(await notice, { code: 'SHUTTING_DOWN', message: 'the server is shutting down' });
    socket.close();
    const lines = server.logLines();
    const bad = lines.filter((l) => (typeof l.level === 'number' && l.level >= 40) || /worker died|peer closed by the server|died unexpectedly/.test(String(l.msg)));
    assert.deepEqual(bad.map((l) => l.msg), [], 'no warning or failure during a clean shutdown');
    assert.ok(lines.some((l) => l.msg === 'closed'), 'the app closed');
  } finally {
    await server.stop();
  }
});

test('analyze prints one AffectEvent per analysed frame of a file, with its media time, the face and its expression', () => {
  const { astronautY4m } = testMedia();
  const r = spawnSync(process.execPath, [BIN, 'analyze', astronautY4m, '--fps', '2'], {
    encoding: 'utf8',
    env: cleanEnv({ AFFECTCAST_LOG_LEVEL: 'warn' }),
    timeout: CHILD_TIMEOUT_MS,
  });
  assert.equal(r.status, 0, r.stderr);
  const events = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(events.length, 4, '2 s of video at 2 fps');
  for (const e of events) assert.ok(AffectEventSchema.safeParse(e).success);
  const times = events.map((e) => e.mediaTimeMs as number);
  [0, 500, 1000, 1500].forEach((ms, i) => assert.ok(Math.abs((times[i] ?? -1e9) - ms) < 70, `frame ${i} at ${times[i]} ms`));
  // The clip is the NASA portrait of Eileen Collins, smiling broadly at the camera: one face, happy.
  for (const e of events) {
    const faces = (AffectEventSchema.parse(e)).faces;
    assert.equal(faces.length, 1, 'one face found');
    assert.equal(faces[0]?.expression?.label, 'happiness');
  }
  const missing = spawnSync(process.execPath, [BIN, 'analyze', '/nonexistent.mp4'], { encoding: 'utf8', env: cleanEnv(), timeout: CHILD_TIMEOUT_MS });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no such file/);
});
