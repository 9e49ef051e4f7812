// Inference on worker threads: the same outputs as in-process onnxruntime, the event loop stays free while
// a model runs, and a closed pool refuses work.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InferencePool } from '../../../src/inference/InferencePool.js';
import { OrtInferenceRunner } from '../../../src/inference/OrtInferenceRunner.js';
import { loadVerifiedModel, type VerifiedModel } from '../../../src/inference/verifiedModel.js';
import { silentLogger } from '../../../src/log/logger.js';
import { requireModels } from './support.js';

const MESH = 'mediapipe-facemesh-v2';
let mesh: VerifiedModel;
let pool: InferencePool;

before(async () => {
  mesh = await loadVerifiedModel(requireModels(MESH), MESH);
  pool = await InferencePool.start([mesh], { threads: 2, intraOpNumThreads: 1, logger: silentLogger() });
});
after(() => pool.close());

function input(n: number, seed: number): Float32Array {
  const data = new Float32Array(n * 256 * 256 * 3);
  let x = seed;
  for (let i = 0; i < data.length; i++) data[i] = ((x = (x * 1103515245 + 12345) >>> 0) % 1000) / 1000;
  return data;
}

test('a worker thread gives exactly what the in-process session gives', async () => {
  const local = await OrtInferenceRunner.create(mesh, { intraOpNumThreads: 1 });
  try {
    const feeds = { image: { data: input(2, 7), dims: [2, 256, 256, 3] } };
    const [a, b] = await Promise.all([local.run(feeds), pool.runner(MESH).run(feeds)]);
    for (const name of ['landmarks', 'faceflag']) assert.deepEqual(b[name]?.data, a[name]?.data, name);
    assert.deepEqual(b['landmarks']?.dims, [2, 1434]);
    // the caller's buffer is still its own (copied, not transferred)
    assert.equal(feeds.image.data.length, 2 * 256 * 256 * 3);
  } finally {
    await local.close();
  }
});

test('the event loop keeps turning while a model runs', async () => {
  // A batch of 32 faces takes well over 50 ms; on the main thread no timer could fire until it returned.
  let ticks = 0;
  const timer = setInterval(() => ticks++, 2);
  try {
    await pool.runner(MESH).run({ image: { data: input(32, 3), dims: [32, 256, 256, 3] } });
  } finally {
    clearInterval(timer);
  }
  assert.ok(ticks >= 5, `${ticks} timer ticks during the run`);
});

test('requests are checked against the manifest, and a closed pool refuses work', async () => {
  const runner = pool.runner(MESH);
  assert.throws(() => runner.run({ image: { data: new Float32Array(3), dims: [1, 1, 1, 3] } }), /manifest says/);
  await assert.rejects(runner.run({}), /missing input 'image'/);
  assert.throws(() => pool.runner('nope'), /not in this inference pool/);
  const other = await InferencePool.start([mesh], { threads: 1, intraOpNumThreads: 1, logger: silentLogger() });
  await other.close();
  await assert.rejects(other.runner(MESH).run({ image: { data: input(1, 1), dims: [1, 256, 256, 3] } }), /closed/);
});
