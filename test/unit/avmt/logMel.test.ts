// The TypeScript log-mel equals the Python features the avmt model is trained on (same samples).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { LOG_MEL, LogMelWindow, Radix2Fft, logMel, logMelFrameCount, melFilterbank } from '../../../src/analyzer/audio/logMel.js';
import { maxAbsDiff, readF32, readI16, runAvmt } from './python.js';

interface Reference {
  samples: number;
  windowMs: number;
  fullShape: [number, number];
  windowEnds: number[];
  windowsShape: [number, number, number];
}

describe('logMel (TypeScript) vs models/avmt/features/logmel.py', () => {
  let dir: string;
  let ref: Reference;
  let signal: Int16Array;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'avmt-logmel-'));
    runAvmt(['logmel-reference', '--out', dir, '--seed', '0', '--seconds', '2.5', '--window-ms', '1000']);
    ref = JSON.parse(readFileSync(join(dir, 'logmel-reference.json'), 'utf8')) as Reference;
    signal = readI16(dir, 'signal.i16');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('whole signal, Int16 input: max abs diff <= 1e-4', (t) => {
    const expected = readF32(dir, 'full.f32');
    const got = logMel(signal);
    assert.deepEqual([got.nMels, got.frames], ref.fullShape);
    const d = maxAbsDiff(got.data, expected);
    t.diagnostic(`max abs diff ${d.toExponential(2)} over ${expected.length} values`);
    assert.ok(d <= 1e-4, `max abs diff ${d}`);
  });

  test('Float32 input (already scaled) gives the same features', () => {
    const f = Float32Array.from(signal, (s) => s / 32768);
    assert.ok(maxAbsDiff(logMel(f).data, readF32(dir, 'full.f32')) <= 1e-4);
  });

  test('LogMelWindow: trailing window at each reference end, pushed in odd-sized chunks', (t) => {
    const expected = readF32(dir, 'windows.f32');
    const [count, nMels, frames] = ref.windowsShape;
    const win = new LogMelWindow(ref.windowMs);
    assert.equal(win.frames, frames);
    const chunk = 777;
    let pos = 0;
    let worst = 0;
    for (let w = 0; w < count; w++) {
      const end = ref.windowEnds[w]!;
      while (pos < end) {
        const n = Math.min(chunk, end - pos);
        win.push(signal.subarray(pos, pos + n));
        pos += n;
      }
      assert.equal(win.samplesSeen, end);
      const got = win.read();
      const want = expected.subarray(w * nMels * frames, (w + 1) * nMels * frames);
      worst = Math.max(worst, maxAbsDiff(got, want));
    }
    t.diagnostic(`max abs diff ${worst.toExponential(2)} over ${count} windows (first one only partly filled)`);
    assert.ok(worst <= 1e-4, `max abs diff ${worst}`);
  });

  test('LogMelWindow: a push longer than the window keeps only its tail; reset() is silence', () => {
    const win = new LogMelWindow(500);
    win.push(signal.subarray(0, 20_000));
    const tail = logMel(signal.subarray(20_000 - win.windowSamples, 20_000));
    assert.ok(maxAbsDiff(win.read(), tail.data) <= 1e-6);
    win.reset();
    const silent = win.read();
    assert.ok(silent.every((v) => Math.abs(v - Math.log(LOG_MEL.logOffset)) < 1e-5));
  });

  test('frame counting and shapes', () => {
    assert.deepEqual([0, 399, 400, 559, 560, 16_000].map(logMelFrameCount), [0, 0, 1, 1, 2, 98]);
    assert.equal(new LogMelWindow(1000).frames, 98);
    assert.equal(logMel(new Int16Array(100)).frames, 0);
    assert.equal(melFilterbank().length, 64);
  });

  test('Radix2Fft equals a direct DFT', () => {
    const n = 64;
    const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) + (i % 5) * 0.1);
    const im = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.11));
    const [dr, di] = [new Float64Array(n), new Float64Array(n)];
    for (let k = 0; k < n; k++) {
      for (let j = 0; j < n; j++) {
        const a = (-2 * Math.PI * k * j) / n;
        dr[k] = dr[k]! + re[j]! * Math.cos(a) - im[j]! * Math.sin(a);
        di[k] = di[k]! + re[j]! * Math.sin(a) + im[j]! * Math.cos(a);
      }
    }
    new Radix2Fft(n).transform(re, im);
    assert.ok(maxAbsDiff(re, dr) < 1e-9 && maxAbsDiff(im, di) < 1e-9);
    assert.throws(() => new Radix2Fft(100), RangeError);
  });
});
