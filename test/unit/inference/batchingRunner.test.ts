// The cross-stream batcher on the real worker-thread pool and a real network (face-api's expression net):
// callers of one window share one run and each gets exactly its own rows back (the same numbers a session
// gives for that caller alone); batches respect maxBatch; a batch that fails rejects each of its callers,
// is counted, and the batches after it run as usual.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BatchingRunner } from '../../../src/inference/BatchingRunner.js';
import { InferencePool } from '../../../src/inference/InferencePool.js';
import type { Float32Tensor, InferenceRunner } from '../../../src/inference/InferenceRunner.js';
import { OrtInferenceRunner } from '../../../src/inference/OrtInferenceRunner.js';
import { loadVerifiedModel, type VerifiedModel } from '../../../src/inference/verifiedModel.js';
import { silentLogger } from '../../../src/log/logger.js';
import { requireModels } from '../vision/support.js';

const EXPRESSION = 'faceapi-expression';
const SIDE = 112;
let model: VerifiedModel;
let pool: InferencePool;
let local: OrtInferenceRunner;

before(async () => {
  model = await loadVerifiedModel(requireModels(EXPRESSION, 'mediapipe-blendshapes'), EXPRESSION);
  pool = await InferencePool.start([model], { threads: 1, intraOpNumThreads: 1, logger: silentLogger() });
  local = await OrtInferenceRunner.create(model, { intraOpNumThreads: 1 });
});
after(async () => {
  await pool?.close();
  await local?.close();
});

/** `rows` pseudo-random crops; different seeds give different rows. */
function crops(rows: number, seed: number): { image: Float32Tensor } {
  const data = new Float32Array(rows * SIDE * SIDE * 3);
  let x = seed;
  for (let i = 0; i < data.length; i++) data[i] = ((x = (x * 1103515245 + 12345) >>> 0) % 1000) / 1000;
  return { image: { data, dims: [rows, SIDE, SIDE, 3] } };
}

function assertClose(actual: Float32Tensor | undefined, expected: Float32Tensor | undefined, what: string): void {
  assert.ok(actual && expected, what);
  assert.deepEqual(actual.dims, expected.dims, `${what}: dims`);
  for (let i = 0; i < expected.data.length; i++) assert.ok(Math.abs(actual.data[i]! - expected.data[i]!) < 1e-4, `${what}[${i}]: ${actual.data[i]} vs ${expected.data[i]}`);
}

test('callers of one window share one run, and each gets exactly its own rows', { timeout: 120_000 }, async () => {
  const batcher = new BatchingRunner(pool.runner(EXPRESSION), { windowMs: 20, maxBatch: 8 });
  try {
    const feeds = [crops(1, 1), crops(2, 2), crops(1, 3)];
    // asked in one turn of the event loop: no window can close between them
    const results = await Promise.all(feeds.map((f) => batcher.run(f)));
    assert.deepEqual(batcher.stats, { batches: 1, rows: 4, failedBatches: 0 });
    for (const [i, f] of feeds.entries()) assertClose(results[i]!['expressions'], (await local.run(f))['expressions'], `caller ${i}`);
  } finally {
    await batcher.close();
  }
});

test('no batch carries more than maxBatch rows', { timeout: 120_000 }, async () => {
  const batcher = new BatchingRunner(pool.runner(EXPRESSION), { windowMs: 20, maxBatch: 2 });
  try {
    const feeds = [1, 2, 3, 4, 5].map((seed) => crops(1, seed));
    const results = await Promise.all(feeds.map((f) => batcher.run(f)));
    assert.deepEqual(batcher.stats, { batches: 3, rows: 5, failedBatches: 0 });
    for (const [i, f] of feeds.entries()) assertClose(results[i]!['expressions'], (await local.run(f))['expressions'], `caller ${i}`);
  } finally {
    await batcher.close();
  }
});

test('a failing batch rejects each of its callers, is counted, and the next batch runs', { timeout: 120_000 }, async () => {
  // The fault: the first batch reaches the worker one value short, which the worker's onnxruntime refuses
  // (a real failure through the real protocol); the pool itself is left as it is.
  const real = pool.runner(EXPRESSION);
  let calls = 0;
  const faulty: InferenceRunner = {
    ...real,
    run: (feeds) => {
      if (calls++ > 0) return real.run(feeds);
      const t = feeds['image']!;
      return real.run({ image: { data: t.data.subarray(0, t.data.length - 1), dims: t.dims } });
    },
  };
  const failures: number[] = [];
  const batcher = new BatchingRunner(faulty, { windowMs: 20, maxBatch: 8, onBatchFailed: (_error, callers) => failures.push(callers) });
  try {
    const failed = await Promise.allSettled([batcher.run(crops(1, 1)), batcher.run(crops(1, 2))]);
    assert.deepEqual(failed.map((r) => r.status), ['rejected', 'rejected']);
    // each caller hears the worker's own reason
    for (const r of failed) assert.match(r.status === 'rejected' ? String(r.reason) : '', /does not match data length/);
    assert.deepEqual(failures, [2]);
    const feeds = [crops(1, 3), crops(1, 4)];
    const later = await Promise.all(feeds.map((f) => batcher.run(f)));
    for (const [i, f] of feeds.entries()) assertClose(later[i]!['expressions'], (await local.run(f))['expressions'], `later caller ${i}`);
    assert.deepEqual(batcher.stats, { batches: 2, rows: 4, failedBatches: 1 });
  } finally {
    await batcher.close();
  }
});

test('bad requests are refused before they can spoil a batch; a closed batcher refuses work', { timeout: 120_000 }, async () => {
  const batcher = new BatchingRunner(pool.runner(EXPRESSION), { windowMs: 20, maxBatch: 8 });
  const t = crops(1, 1).image;
  await assert.rejects(batcher.run({ image: { data: t.data.subarray(1), dims: t.dims } }), /values, its dims/);
  assert.throws(() => batcher.run({ image: { data: t.data, dims: [1, 64, 64, 3] } }), /manifest says/);
  await assert.rejects(batcher.run({}), /missing input 'image'/);
  await batcher.close();
  await batcher.close();
  await assert.rejects(batcher.run(crops(1, 1)), /closed/);
  assert.equal(batcher.stats.batches, 0);
});

test('a model with a fixed batch size cannot be batched', { timeout: 60_000 }, async () => {
  const fixed = await loadVerifiedModel(requireModels('mediapipe-blendshapes'), 'mediapipe-blendshapes');
  const runner = await OrtInferenceRunner.create(fixed, { intraOpNumThreads: 1 });
  try {
    assert.throws(() => new BatchingRunner(runner, { windowMs: 5, maxBatch: 8 }), /fixed batch size/);
  } finally {
    await runner.close();
  }
});
