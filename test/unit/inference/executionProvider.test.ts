// Execution providers: asking for one that cannot start here (this machine's onnxruntime-node has only the
// CPU provider's libraries) runs the model on cpu, says why in the log, and reports what actually runs; the
// configuration names a provider and batching per model. Real onnxruntime, never a GPU.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { ConfigSchema } from '../../../src/config/schema.js';
import { batchSettings } from '../../../src/inference/batchDefaults.js';
import { openRunners } from '../../../src/inference/openRunners.js';
import { OrtInferenceRunner } from '../../../src/inference/OrtInferenceRunner.js';
import { loadVerifiedModel } from '../../../src/inference/verifiedModel.js';
import { requireModels } from '../vision/support.js';

const EXPRESSION = 'faceapi-expression';
const BLENDSHAPES = 'mediapipe-blendshapes';

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const crop = () => ({ image: { data: new Float32Array(112 * 112 * 3).fill(0.5), dims: [1, 112, 112, 3] } });

test('cuda that cannot start falls back to cpu with its reason, and the session still runs', { timeout: 60_000 }, async () => {
  const model = await loadVerifiedModel(requireModels(EXPRESSION), EXPRESSION);
  const runner = await OrtInferenceRunner.create(model, { intraOpNumThreads: 1, executionProvider: 'cuda' });
  try {
    assert.equal(runner.execution.requested, 'cuda');
    assert.equal(runner.execution.provider, 'cpu');
    assert.match(runner.execution.fallbackReason ?? '', /cuda|shared library/i);
    const out = await runner.run(crop());
    assert.deepEqual(out['expressions']?.dims, [1, 7]);
  } finally {
    await runner.close();
  }
});

test('on worker threads, the fallback is logged once per model with its reason, and reported per model', { timeout: 120_000 }, async () => {
  const dir = requireModels(EXPRESSION, BLENDSHAPES);
  const models = [await loadVerifiedModel(dir, EXPRESSION), await loadVerifiedModel(dir, BLENDSHAPES)];
  const { logger, lines } = capturingLogger();
  const runners = await openRunners(models, {
    threads: 2,
    intraOpNumThreads: 1,
    executionProvider: 'cpu',
    providers: { [EXPRESSION]: 'cuda' },
    batching: { [EXPRESSION]: { windowMs: 3, maxBatch: 4 }, [BLENDSHAPES]: { windowMs: 3, maxBatch: 4 } },
    logger,
  });
  try {
    const byModel = Object.fromEntries(runners.execution.map((e) => [e.model, e]));
    assert.deepEqual(
      { ...byModel[EXPRESSION], fallbackReason: undefined },
      { model: EXPRESSION, requested: 'cuda', provider: 'cpu', intraOpThreads: 1, fallbackReason: undefined, batch: { windowMs: 3, maxBatch: 4 } },
    );
    // the blendshape graph takes one face at a time: its batching request is ignored, and said to be
    assert.deepEqual(byModel[BLENDSHAPES], { model: BLENDSHAPES, requested: 'cpu', provider: 'cpu', intraOpThreads: 1, batch: { windowMs: 0, maxBatch: 1 } });
    const out = await runners.runner(EXPRESSION).run(crop());
    assert.deepEqual(out['expressions']?.dims, [1, 7]);
    await new Promise((resolve) => setImmediate(resolve));
    const fallbacks = lines.filter((l) => l['level'] === 40 && l['model'] === EXPRESSION && l['requested'] === 'cuda');
    assert.equal(fallbacks.length, 1, 'one warning for two threads');
    assert.match(String(fallbacks[0]?.['reason']), /cuda|shared library/i);
    assert.equal(lines.filter((l) => l['level'] === 40 && l['model'] === BLENDSHAPES && /fixed batch size/.test(String(l['msg']))).length, 1);
  } finally {
    await runners.close();
    await runners.close();
  }
});

test('the configuration names providers and batching per model, and refuses what it does not know', { timeout: 10_000 }, () => {
  const config = ConfigSchema.parse({ models: { executionProvider: 'cuda', providers: { blazeface: 'cpu' }, batching: { blazeface: { windowMs: 5, maxBatch: 16 } } } });
  assert.equal(config.models.executionProvider, 'cuda');
  assert.deepEqual(config.models.providers, { blazeface: 'cpu' });
  assert.deepEqual(config.models.batching, { blazeface: { windowMs: 5, maxBatch: 16 } });
  assert.equal(ConfigSchema.parse({}).models.executionProvider, 'cpu');
  assert.throws(() => ConfigSchema.parse({ models: { executionProvider: 'tpu' } }));
  assert.throws(() => ConfigSchema.parse({ models: { batching: { blazeface: { windowMs: 5, maxBatch: 1000 } } } }));
  assert.throws(() => ConfigSchema.parse({ models: { providers: { 'Not An Id': 'cpu' } } }));
});

test('batching defaults follow the provider a model runs on; the configuration overrides them', { timeout: 10_000 }, () => {
  // measured on cpu: batching does not pay there (README "Batching and execution providers")
  for (const id of ['blazeface', 'mediapipe-facemesh-v2', 'faceapi-expression', 'mediapipe-blendshapes']) assert.deepEqual(batchSettings(id, 'cpu'), { windowMs: 0, maxBatch: 1 }, id);
  assert.ok(batchSettings('blazeface', 'cuda').maxBatch > 1, 'on a GPU the detector batches');
  assert.deepEqual(batchSettings('blazeface', 'cpu', { blazeface: { windowMs: 2, maxBatch: 4 } }), { windowMs: 2, maxBatch: 4 });
});
