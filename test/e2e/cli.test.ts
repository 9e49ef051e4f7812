// The command line as users and tools run it: `affectcast serve` prints its URLs and `ready`, serves
// /healthz and /metrics, and exits cleanly on SIGTERM; bad flags are one clear error; `--help` and
// `--version` follow the conventions (every option with its default, documented exit codes, colour only on a
// terminal and never with NO_COLOR); `analyze` writes a file's AffectEvents as the export's own CSV and
// JSON lines, with progress on stderr.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../../src/config/schema.js';
import { AffectEventSchema, type AffectEvent } from '../../src/contracts/affect.js';
import { silentLogger } from '../../src/log/logger.js';
import { EventWriter } from '../../src/store/EventWriter.js';
import { Store } from '../../src/store/Store.js';
import { io as ioClient } from 'socket.io-client';
import type { ErrorPayload } from '../../src/contracts/errors.js';
import { AFFECTCAST_BIN as BIN, cleanEnv, isAlive, liveChildProcesses, REPO_ROOT, startServeProcess, testMedia, until } from '../support/index.js';

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
    const { inference, ...body } = (await health.json()) as { inference: Array<{ model: string; provider: string }> } & Record<string, unknown>;
    assert.deepEqual({ ...body, uptimeS: 0 }, { status: 'ok', profile: 'default', rooms: 0, workers: 1, decoders: 0, uptimeS: 0 });
    // what runs each model of the default profile: the CPU, as configured by default
    assert.deepEqual(
      inference.map((e) => `${e.model}:${e.provider}`).sort(),
      ['blazeface:cpu', 'faceapi-expression:cpu', 'mediapipe-blendshapes:cpu', 'mediapipe-facemesh-v2:cpu'],
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

/** The export's columns as the README documents them (section "Recording and export"). */
const DOCUMENTED_COLUMNS = [
  'row_type', 'session_id', 'time_iso', 'ms_since_session_start', 'participant_id', 'participant_name', 'producer_id', 'face_id',
  'box_x', 'box_y', 'box_w', 'box_h', 'face_score', 'top_expression',
  'p_neutral', 'p_anger', 'p_disgust', 'p_fear', 'p_happiness', 'p_sadness', 'p_surprise',
  'valence', 'arousal', 'AU1', 'AU2', 'AU4', 'AU6', 'AU12', 'AU15', 'AU20', 'AU25',
  'provenance_expression', 'provenance_va', 'provenance_au', 'model', 'latency_ms',
  'raw_valence', 'raw_arousal', 'raw_p_neutral', 'raw_p_anger', 'raw_p_disgust', 'raw_p_fear', 'raw_p_happiness', 'raw_p_sadness', 'raw_p_surprise',
  'raw_AU1', 'raw_AU2', 'raw_AU4', 'raw_AU6', 'raw_AU12', 'raw_AU15', 'raw_AU20', 'raw_AU25',
  'label', 'note',
];
const COMMAND_NAMES = ['serve', 'analyze', 'bench', 'token', 'export', 'models'];

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: cleanEnv({ AFFECTCAST_LOG_LEVEL: 'warn', ...env }), timeout: CHILD_TIMEOUT_MS });
}

/** Runs the CLI with stdin, stdout and stderr on a pseudo-terminal (util-linux `script`); returns what the terminal showed. */
function onTerminal(args: string[], env: Record<string, string> = {}) {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: cleanEnv({ AFFECTCAST_LOG_LEVEL: 'warn', ...env }), timeout: CHILD_TIMEOUT_MS });
}

test('--help lists every command, --version the package version, and each command --help every option with its default', () => {
  const top = cli(['--help']);
  assert.equal(top.status, 0, top.stderr);
  assert.equal(top.stderr, '');
  for (const name of COMMAND_NAMES) assert.match(top.stdout, new RegExp(`^  ${name} `, 'm'), `${name} listed`);
  assert.match(top.stdout, /exit codes: 0 ok; 1 runtime failure.*2 usage or configuration error/);
  assert.equal(cli(['-h']).stdout, top.stdout);
  assert.equal(cli(['help']).stdout, top.stdout);

  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const v = cli([flag]);
    assert.equal(v.status, 0);
    assert.equal(v.stdout, `affectcast ${pkg.version}\n`);
  }

  // The defaults the README's Configuration table documents.
  const serve = cli(['serve', '--help']);
  assert.equal(serve.status, 0, serve.stderr);
  assert.match(serve.stdout, /^usage: affectcast serve/);
  for (const [flag, shown] of [['--host ADDRESS', '127.0.0.1'], ['--port PORT', '8080'], ['--room NAME', 'demo'], ['--profile', 'default'], ['--log-level LEVEL', 'info'], ['--allow-untrained', 'false']] as const) {
    assert.match(serve.stdout.replace(/\n\s+/g, ' '), new RegExp(`${flag}\\b.*?\\(default: ${shown.replaceAll('.', '\\.')}\\)`), `${flag} shows its default ${shown}`);
  }
  const analyze = cli(['analyze', '--help']);
  assert.equal(analyze.status, 0);
  const analyzeText = analyze.stdout.replace(/\n\s+/g, ' ');
  for (const [flag, shown] of [['--out FILE', 'stdout'], ['--fps N', '10'], ['--format csv\\|jsonl', "from --out's extension, else jsonl"], ['--quiet', 'false']]) {
    assert.match(analyzeText, new RegExp(`${flag}.*?\\(default: ${shown}\\)`), `${flag}`);
  }
  for (const name of COMMAND_NAMES) {
    const help = cli([name, '--help']);
    assert.equal(help.status, 0, `${name} --help: ${help.stderr}`);
    assert.equal(help.stderr, '');
    assert.match(help.stdout, new RegExp(`^usage: affectcast ${name} `));
    assert.match(help.stdout, /^exit codes: /m);
    // Every option: its value's name, and a default or "required".
    const options = help.stdout.slice(help.stdout.indexOf('\noptions:\n')).replace(/\n {6,}/g, ' ').split('\n').filter((l) => /^ {2}(-\w, )?--/.test(l));
    assert.ok(options.length >= 2, `${name} lists options`);
    for (const line of options) {
      if (/--help\b/.test(line)) continue;
      assert.match(line, /\(default: [^)]+\)|required/, `${name}: ${line}`);
    }
  }
  // `--help` wins over anything else on the line, even a missing required argument.
  assert.equal(cli(['analyze', '--fps', 'x', '--help']).status, 0);
});

test('exit codes: 2 and usage on stderr for a wrong command line, 1 for a failure; colour only on a terminal without NO_COLOR', () => {
  const none = cli([]);
  assert.equal(none.status, 2);
  assert.equal(none.stdout, '', 'usage errors keep stdout clean');
  assert.match(none.stderr, /^usage: affectcast <command>/);
  for (const args of [['frobnicate'], ['analyze'], ['analyze', 'a.mp4', 'b.mp4'], ['analyze', 'clip.mp4', '--out', 'rows.txt'], ['export', '--format', 'xml', '--room', 'r'], ['models', 'frobnicate'], ['token', '--ttl']]) {
    const r = cli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^affectcast: /);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
  }
  assert.match(cli(['analyze', 'clip.mp4', '--out', 'rows.txt']).stderr, /\.csv or \.jsonl/);
  const missing = cli(['analyze', '/nonexistent.mp4']);
  assert.equal(missing.status, 1);
  assert.doesNotMatch(missing.stderr, /\u001b\[/, 'no colour when stderr is not a terminal');

  const coloured = onTerminal(['frobnicate']);
  assert.equal(coloured.status, 2);
  assert.match(coloured.stdout, /\u001b\[31maffectcast:\u001b\[0m unknown command/);
  const plain = onTerminal(['frobnicate'], { NO_COLOR: '1' });
  assert.equal(plain.status, 2);
  assert.match(plain.stdout, /affectcast: unknown command/);
  assert.doesNotMatch(plain.stdout, /\u001b\[/, 'NO_COLOR: no escape sequences at all');
});

test('analyze --out writes the export\'s CSV and JSON lines, with progress lines on a non-terminal stderr', async () => {
  const { astronautY4m } = testMedia();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-analyze-'));
  try {
    const csvFile = path.join(dir, 'rows.csv');
    const jsonlFile = path.join(dir, 'rows.jsonl');
    const csvRun = cli(['analyze', astronautY4m, '--fps', '2', '--out', csvFile]);
    assert.equal(csvRun.status, 0, csvRun.stderr);
    assert.equal(csvRun.stdout, '', 'rows go to --out, nothing to stdout');
    // Progress: plain lines (no carriage returns, no escapes), rising to 100 %, then a summary.
    const progress = csvRun.stderr.split('\n').filter((l) => l.startsWith('analyze: '));
    assert.ok(progress.length >= 3, csvRun.stderr);
    assert.doesNotMatch(csvRun.stderr, /\r|\u001b/);
    const percents = progress.map((l) => /(\d+)%/.exec(l)?.[1]).filter((p) => p !== undefined).map(Number);
    assert.deepEqual(percents, [...percents].sort((a, b) => a - b), 'progress only rises');
    assert.equal(percents.at(-1), 100);
    assert.match(progress.at(-1) ?? '', /^analyze: done, 4 frames of 2\.0 s$/);
    assert.deepEqual(fs.readdirSync(dir), ['rows.csv'], 'no partial file left');

    const jsonlRun = cli(['analyze', astronautY4m, '--fps', '2', '--out', jsonlFile, '--quiet']);
    assert.equal(jsonlRun.status, 0, jsonlRun.stderr);
    assert.doesNotMatch(jsonlRun.stderr, /^analyze: /m, '--quiet: no progress');

    const csv = fs.readFileSync(csvFile, 'utf8');
    assert.ok(csv.startsWith('\uFEFF'), 'a byte order mark, as the export writes files');
    const records = csv.slice(1).split('\r\n').filter(Boolean).map((r) => r.split(','));
    assert.deepEqual(records[0], DOCUMENTED_COLUMNS);
    assert.equal(records.length, 1 + 4, 'one row per face per frame: one face, 4 frames');
    const col = (row: string[] | undefined, name: string) => row?.[DOCUMENTED_COLUMNS.indexOf(name)];
    // The file is the session: ms_since_session_start is the frame's place in the file (2 fps).
    [0, 500, 1000, 1500].forEach((ms, i) => assert.ok(Math.abs(Number(col(records[i + 1], 'ms_since_session_start')) - ms) < 70, `row ${i}`));
    for (const row of records.slice(1)) {
      assert.equal(col(row, 'row_type'), 'event');
      assert.equal(col(row, 'top_expression'), 'happiness', 'the astronaut smiles');
      assert.match(col(row, 'provenance_expression') ?? '', /^model:faceapi-expression@/);
    }

    const lines = fs.readFileSync(jsonlFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 4);
    for (const line of lines) {
      assert.equal(line.type, 'event');
      assert.ok(AffectEventSchema.safeParse(line).success);
      assert.equal(line.msSinceSessionStart, Math.round(line.mediaTimeMs as number), 'whole ms since the start of the file');
    }

    // The same events recorded and exported by `affectcast export` give the same columns and cells.
    const dataDir = path.join(dir, 'data');
    const store = Store.open(dataDir);
    const events = lines.map((l) => AffectEventSchema.parse({ ...l, roomId: 'clip' }) as AffectEvent);
    const first = events[0];
    assert.ok(first);
    const session = store.startSession('clip', 'manual', first.capturedAt);
    const writer = await EventWriter.open(store, { queueLimit: 100, flushMs: 10, logger: silentLogger() });
    for (const event of events) writer.enqueue(session.id, event);
    await writer.flush();
    await writer.close();
    store.close();
    const exportedCsv = cli(['export', '--room', 'clip', '--format', 'csv', '--data-dir', dataDir]);
    assert.equal(exportedCsv.status, 0, exportedCsv.stderr);
    const exported = exportedCsv.stdout.split('\r\n').filter(Boolean).map((r) => r.split(','));
    assert.ok(!exportedCsv.stdout.startsWith('\uFEFF'), 'no byte order mark down a pipe');
    assert.deepEqual(exported[0], records[0], 'the same header');
    assert.equal(exported.length, records.length);
    // Two runs of the same file: the same frames and numbers, at other wall-clock times.
    const differ = new Set(['session_id', 'ms_since_session_start', 'time_iso', 'latency_ms']);
    for (let r = 1; r < records.length; r++) {
      for (const name of DOCUMENTED_COLUMNS.filter((c) => !differ.has(c))) {
        assert.equal(col(records[r], name), col(exported[r], name), `row ${r} ${name}`);
      }
    }
    const exportedJsonl = cli(['export', '--room', 'clip', '--format', 'jsonl', '--data-dir', dataDir, '--out', path.join(dir, 'export.jsonl')]);
    assert.equal(exportedJsonl.status, 0, exportedJsonl.stderr);
    const exportedLines = fs.readFileSync(path.join(dir, 'export.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const [i, line] of exportedLines.entries()) {
      const ours = lines[i] ?? {};
      // analyze adds only mediaTimeMs, the frame's position in the file.
      assert.deepEqual(Object.keys(ours).filter((k) => k !== 'mediaTimeMs').sort(), Object.keys(line).sort());
      assert.deepEqual(ours.faces, line.faces);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('analyze on a terminal draws one progress bar in place', () => {
  const { astronautY4m } = testMedia();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-analyze-tty-'));
  try {
    const r = onTerminal(['analyze', astronautY4m, '--fps', '2', '--out', path.join(dir, 'rows.jsonl')]);
    assert.equal(r.status, 0, r.stdout);
    assert.match(r.stdout, /\r\u001b\[K/, 'redrawn in place');
    assert.match(r.stdout, /█/, 'a bar');
    assert.match(r.stdout, /analyze: done, 4 frames of 2\.0 s/);
    assert.equal(r.stdout.split('\n').filter((l) => l.includes('%')).length <= 1, true, 'not one line per update');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
