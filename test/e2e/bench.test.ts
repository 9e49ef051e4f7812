// `affectcast bench --quick` as users and tools run it (the built CLI): one stream for a few seconds, the
// side-by-side comparison on a few frames. Checks the JSON other tools read (its shape, and that every
// number is present and sane) and the files it writes; never timing goals (those are the bench's own).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { AFFECTCAST_BIN as BIN, cleanEnv } from '../support/index.js';

// The shape other tools read, as the issue states it (more fields may follow; these must be there).
const n = z.number().finite();
const Results = z.object({
  date: z.string().refine((d) => !Number.isNaN(Date.parse(d)), 'a time'),
  machine: z.object({ cpus: z.number().int() }).passthrough(),
  runs: z.array(
    z.object({
      streams: z.number().int(),
      minAnalysedFps: n,
      latencyMs: z.object({ p50: n, p95: n, p99: n }),
      endToEndMs: z.object({ p50: n, p95: n }),
      cpuPercentPerStream: n,
      rssMB: n,
      droppedFrames: z.number().int(),
      facesPerFrame: n,
    }),
  ),
  facesPerSecond: n,
  peer: z.object({ name: z.string(), facesPerSecond: n }),
  ratioVsPeer: n,
  peerDetails: z.object({ facesPerFrame: n }),
  own: z.object({ facesPerFrame: n }),
});

/** ffmpeg senders and decoders of a bench read or send its clip: none may outlive the command. */
function benchProcesses(): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes('bench-clip.webm')) found.push(`${pid}: ${cmdline}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

test('bench --quick writes latest.json and a dated copy in the shape other tools read, with sane numbers', { timeout: 280_000 }, () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-bench-'));
  try {
    const run = spawnSync(process.execPath, [BIN, 'bench', '--quick', '--out-dir', outDir], {
      env: cleanEnv({ AFFECTCAST_LOG_LEVEL: 'warn' }),
      encoding: 'utf8',
      timeout: 260_000,
    });
    assert.equal(run.status, 0, `exit status (stderr: ${run.stderr})`);
    assert.match(run.stdout, /\| streams \| analysed fps/, 'prints the table');

    const files = fs.readdirSync(outDir).sort();
    assert.equal(files.length, 2, files.join(', '));
    assert.match(files[0] ?? '', /^bench-\d{4}-\d\d-\d\dT[\d-]+Z\.json$/);
    assert.equal(files[1], 'latest.json');
    const text = fs.readFileSync(path.join(outDir, 'latest.json'), 'utf8');
    assert.equal(fs.readFileSync(path.join(outDir, files[0]!), 'utf8'), text, 'the dated copy is the same results');
    const r = Results.parse(JSON.parse(text));

    assert.equal(r.machine.cpus, os.availableParallelism());
    assert.equal(r.runs.length, 1, 'one run: --quick measures 1 stream');
    const one = r.runs[0]!;
    assert.equal(one.streams, 1);
    // the clip is one moving face at 640×480: analysed, with that face, at some rate up to the configured 10 fps
    const fps = one.minAnalysedFps;
    assert.ok(fps > 0 && fps <= 10 * 1.2, `analysed fps ${fps}`);
    assert.ok(one.facesPerFrame >= 0.8 && one.facesPerFrame <= 1, `faces per frame ${one.facesPerFrame}`);
    const { p50, p95, p99 } = one.latencyMs;
    for (const [name, v] of Object.entries({ p50, p95, p99 })) assert.ok(v >= 0 && v < 30_000, `latency ${name} ${v}`);
    assert.ok(p50 <= p95 && p95 <= p99, 'percentiles in order');
    // end to end from the pixel-stamped sender: read back from the analysed frames, so present and positive
    const e2e = one.endToEndMs;
    assert.ok(e2e.p50 > 0 && e2e.p50 <= e2e.p95 && e2e.p95 < 30_000, `end to end ${JSON.stringify(e2e)}`);
    const cpu = one.cpuPercentPerStream;
    assert.ok(cpu > 0 && cpu <= 100 * os.availableParallelism(), `CPU ${cpu} %`);
    const rss = one.rssMB;
    assert.ok(rss > 50 && rss < os.totalmem() / 2 ** 20, `RSS ${rss} MB`);
    assert.ok(Number.isInteger(one.droppedFrames) && one.droppedFrames >= 0, `dropped ${one.droppedFrames}`);

    assert.ok(r.facesPerSecond > 0);
    assert.match(r.peer.name, /@vladmandic\/human/);
    assert.ok(r.peer.facesPerSecond > 0);
    assert.ok(Math.abs(r.ratioVsPeer - r.facesPerSecond / r.peer.facesPerSecond) < 0.01, 'the ratio is of the two rates');
    // both sides find the clip's one face in (nearly) every frame: faces per second compare like with like
    assert.ok(r.own.facesPerFrame >= 0.8 && r.own.facesPerFrame <= 1, `affectcast finds the face (${r.own.facesPerFrame} per frame)`);
    assert.ok(r.peerDetails.facesPerFrame >= 0.8 && r.peerDetails.facesPerFrame <= 1, `human finds the face (${r.peerDetails.facesPerFrame} per frame)`);
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
  assert.deepEqual(benchProcesses(), [], 'no sender or decoder left behind');
});
