// The end-to-end stamp survives a real VP8 round trip: ffmpeg draws the wall clock into frames, libvpx
// encodes them at a webcam's bitrate, ffmpeg decodes them (scaled, as the analyzer's decoder may), and
// readStamp gives back times inside the window in which the frames were made, in order.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readStamp, stampFilterGraph } from '../../../src/bench/pixelStamp.js';

test('a stamped, VP8-encoded and decoded frame gives back the time it was stamped', { timeout: 60_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-stamp-'));
  try {
    const source = path.join(dir, 'source.y4m');
    const clip = path.join(dir, 'stamped.webm');
    // a busy picture under the stamp
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=15:duration=2', source], { timeout: 30_000 });
    const start = Date.now();
    // paced in real time (-re) like the live sender
    execFileSync('ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-i', source,
      '-filter_complex', stampFilterGraph(480), '-map', '[stamped]', '-fps_mode', 'passthrough',
      '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-lag-in-frames', '0', '-b:v', '400k', clip,
    ], { timeout: 30_000 });
    const end = Date.now();
    const [width, height] = [320, 240];
    const raw = execFileSync('ffmpeg', ['-loglevel', 'error', '-i', clip, '-fps_mode', 'passthrough', '-vf', `scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { timeout: 30_000, maxBuffer: 1 << 28 });
    const size = width * height * 3;
    const frames = raw.length / size;
    assert.ok(frames >= 20, `${frames} frames`);
    const stamps: number[] = [];
    for (let k = 0; k < frames; k++) {
      const stamp = readStamp({ width, height, data: raw.subarray(k * size, (k + 1) * size), capturedAt: end }, 640, 480);
      assert.ok(stamp !== undefined, `frame ${k} has a stamp`);
      stamps.push(stamp);
    }
    for (const s of stamps) assert.ok(s >= start && s <= end, `stamp ${s - start} ms after the start, the run took ${end - start} ms`);
    for (let k = 1; k < stamps.length; k++) assert.ok(stamps[k]! > stamps[k - 1]!, `frame ${k} stamped after frame ${k - 1}: ${stamps.map((s) => s - start).join(" ")}`);
    // a corner without a stamp (all black: every bit 0) reads as a time hours or days back (the low 32 bits of the clock), which is refused
    assert.equal(readStamp({ width, height, data: new Uint8Array(size), capturedAt: 1_800_000_000_000 + 12_345 }, 640, 480), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
