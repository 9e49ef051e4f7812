// The streaming ONNX export (one time step, GRU state in/out), run step by step in onnxruntime-node,
// equals the PyTorch model run over the whole sequence; its manifest validates against the schema.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

import * as ort from 'onnxruntime-node';

import { ACTION_UNITS, EXPRESSIONS } from '../../../src/contracts/labels.js';
import { loadManifest } from '../../../src/models/loadManifest.js';
import { ModelManifestSchema, type ModelManifest } from '../../../src/models/manifest.js';
import { maxAbsDiff, readF32, runAvmt } from './python.js';

interface Reference {
  steps: number;
  batch: number;
  arrays: Record<string, { file: string; shape: number[] }>;
}

const TOLERANCE = 1e-4;
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function exportModel(args: string[]): { dir: string; manifest: ModelManifest; ref: Reference } {
  const dir = mkdtempSync(join(tmpdir(), 'avmt-export-'));
  dirs.push(dir);
  runAvmt(['export', '--untrained', '--out', dir, '--reference-steps', '5', '--reference-batch', '2', ...args]);
  const manifest = ModelManifestSchema.parse(JSON.parse(readFileSync(join(dir, 'avmt.json'), 'utf8')));
  const ref = JSON.parse(readFileSync(join(dir, 'reference', 'reference.json'), 'utf8')) as Reference;
  return { dir, manifest, ref };
}

/** Slice step s of a step-major [S, ...rest] reference array. */
function stepOf(dir: string, ref: Reference, name: string, s: number): { data: Float32Array; dims: number[] } {
  const { file, shape } = ref.arrays[name]!;
  const dims = shape.slice(1);
  const size = dims.reduce((a, b) => a * b, 1);
  return { data: readF32(join(dir, 'reference'), file).subarray(s * size, (s + 1) * size), dims };
}

const CASES: Array<{ name: string; args: string[]; inputs: string[] }> = [
  { name: 'A/V-MT-VGG-RNN, softmax head', args: ['--variant', 'av-mt-vgg-rnn', '--width', '0.125'], inputs: ['face', 'audio', 'h0'] },
  { name: 'A/V-MT-VGG-RNN, ArcFace head', args: ['--variant', 'av-mt-vgg-rnn', '--width', '0.125', '--expr-head', 'arcface'], inputs: ['face', 'audio', 'h0'] },
  { name: 'MT-VGG (no state)', args: ['--variant', 'mt-vgg', '--width', '0.125'], inputs: ['face'] },
];

describe('avmt streaming export', () => {
  for (const c of CASES) {
    test(`${c.name}: ONNX step by step == PyTorch over the sequence (<= ${TOLERANCE})`, async (t) => {
      const { dir, manifest, ref } = exportModel(c.args);
      // manifest: file identity, tensor names/labels in the shared label order
      const onnxBytes = readFileSync(join(dir, manifest.file));
      assert.equal(manifest.sha256, createHash('sha256').update(onnxBytes).digest('hex'));
      assert.equal(manifest.bytes, onnxBytes.length);
      assert.equal(manifest.id, 'avmt');
      assert.equal(loadManifest(dir, 'avmt').manifest.sha256, manifest.sha256); // the server's loader accepts it
      assert.equal(manifest.provenance.status, 'untrained');
      assert.deepEqual(manifest.inputs.map((i) => i.name), c.inputs);
      assert.deepEqual(manifest.outputs.find((o) => o.name === 'expr')?.labels, [...EXPRESSIONS]);
      assert.deepEqual(manifest.outputs.find((o) => o.name === 'au')?.labels, [...ACTION_UNITS]);

      const session = await ort.InferenceSession.create(join(dir, manifest.file), { intraOpNumThreads: 1 });
      assert.deepEqual([...session.inputNames], c.inputs);
      assert.deepEqual([...session.outputNames], manifest.outputs.map((o) => o.name));

      const recurrent = c.inputs.includes('h0');
      // the reference starts from a random h0 [layers, N, hidden] (not step-major) to exercise the state input
      let state = recurrent ? { data: readF32(join(dir, 'reference'), 'h0.f32'), dims: ref.arrays.h0!.shape } : undefined;
      const worst: Record<string, number> = { va: 0, au: 0, expr: 0 };
      for (let s = 0; s < ref.steps; s++) {
        const feeds: Record<string, ort.Tensor> = {};
        for (const name of c.inputs.filter((n) => n !== 'h0')) {
          const x = stepOf(dir, ref, name, s);
          feeds[name] = new ort.Tensor('float32', x.data, x.dims);
        }
        if (state) feeds.h0 = new ort.Tensor('float32', state.data, state.dims);
        const out = await session.run(feeds);
        for (const k of ['va', 'au', 'expr']) {
          worst[k] = Math.max(worst[k]!, maxAbsDiff(out[k]!.data as Float32Array, stepOf(dir, ref, k, s).data));
        }
        if (recurrent) state = { data: out.h1!.data as Float32Array, dims: [...out.h1!.dims] };
      }
      if (state) worst.h = maxAbsDiff(state.data, readF32(join(dir, 'reference'), 'h_final.f32'));
      t.diagnostic(`max abs diff over ${ref.steps} steps x batch ${ref.batch}: ${JSON.stringify(worst)}`);
      for (const [k, d] of Object.entries(worst)) assert.ok(d <= TOLERANCE, `${k}: ${d}`);

      // symbolic dims: another batch size (and, for audio, another window length) runs
      const n = 3;
      const feeds: Record<string, ort.Tensor> = { face: new ort.Tensor('float32', new Float32Array(n * 3 * 96 * 96), [n, 3, 96, 96]) };
      if (c.inputs.includes('audio')) feeds.audio = new ort.Tensor('float32', new Float32Array(n * 64 * 50).fill(-13.8), [n, 1, 64, 50]);
      if (recurrent) feeds.h0 = new ort.Tensor('float32', new Float32Array(2 * n * 128), [2, n, 128]);
      const out = await session.run(feeds);
      assert.deepEqual([...out.expr!.dims], [n, 7]);
      const probs = out.expr!.data as Float32Array;
      for (let i = 0; i < n; i++) assert.ok(Math.abs(probs.subarray(7 * i, 7 * i + 7).reduce((a, b) => a + b, 0) - 1) < 1e-5);
      if (recurrent) assert.deepEqual([...out.h1!.dims], [2, n, 128]);
      await session.release();
    });
  }
});
