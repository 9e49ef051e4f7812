import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AffectcastError } from '../../../src/contracts/errors.js';
import type { ModelManifest } from '../../../src/models/manifest.js';
import { OrtInferenceRunner } from '../../../src/inference/OrtInferenceRunner.js';
import { loadVerifiedModel } from '../../../src/inference/verifiedModel.js';

const require = createRequire(import.meta.url);
type Proto = { create(fields: object): object; encode(m: object): { finish(): Uint8Array } };
const { onnx } = require('onnx-proto') as { onnx: Record<'ModelProto' | 'NodeProto' | 'ValueInfoProto', Proto> };

/** A two-node graph: y = x + x, z = x * x, x: [N, 3]. */
function tinyModel(): Uint8Array {
  const vi = (name: string) =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 3 }] } } } });
  const m = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny',
      node: [
        onnx.NodeProto.create({ opType: 'Add', input: ['x', 'x'], output: ['y'], name: 'add' }),
        onnx.NodeProto.create({ opType: 'Mul', input: ['x', 'x'], output: ['z'], name: 'mul' }),
      ],
      input: [vi('x')],
      output: [vi('y'), vi('z')],
    },
  });
  return onnx.ModelProto.encode(m).finish();
}

function manifestFor(bytes: Uint8Array, patch: Partial<ModelManifest> = {}): ModelManifest {
  return {
    manifestVersion: 1,
    id: 'tiny',
    version: '1.0.0',
    file: 'tiny.onnx',
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.byteLength,
    inputs: [{ name: 'x', shape: ['N', 3], dtype: 'float32' }],
    outputs: [
      { name: 'y', shape: ['N', 3], dtype: 'float32' },
      { name: 'z', shape: ['N', 3], dtype: 'float32' },
    ],
    preprocessing: {},
    provenance: { status: 'pretrained', source: 'test', licence: 'MIT' },
    createdBy: 'test',
    ...patch,
  };
}

describe('verified models and the onnxruntime runner', () => {
  let dir: string;
  const bytes = tinyModel();

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'affectcast-inference-'));
    await writeFile(path.join(dir, 'tiny.onnx'), bytes);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const writeManifest = (m: ModelManifest) => writeFile(path.join(dir, `${m.id}.json`), JSON.stringify(m));

  it('runs a session created from a verified manifest and returns every output by name', async () => {
    await writeManifest(manifestFor(bytes));
    const runner = await OrtInferenceRunner.create(await loadVerifiedModel(dir, 'tiny'), { intraOpNumThreads: 1 });
    assert.deepEqual(runner.inputNames, ['x']);
    assert.deepEqual(runner.outputNames, ['y', 'z']);
    const out = await runner.run({ x: { data: Float32Array.from([1, 2, 3, -1, 0, 4]), dims: [2, 3] } });
    assert.deepEqual(Array.from(out['y']!.data), [2, 4, 6, -2, 0, 8]);
    assert.deepEqual(Array.from(out['z']!.data), [1, 4, 9, 1, 0, 16]);
    assert.deepEqual(out['z']!.dims, [2, 3]);
    await runner.close();
  });

  it('rejects feeds that are missing or contradict the manifest shape', async () => {
    await writeManifest(manifestFor(bytes));
    const runner = await OrtInferenceRunner.create(await loadVerifiedModel(dir, 'tiny'), { intraOpNumThreads: 1 });
    await assert.rejects(runner.run({}), /missing input 'x'/);
    await assert.rejects(runner.run({ x: { data: new Float32Array(4), dims: [1, 4] } }), /manifest says \[N,3\]/);
    await runner.close();
  });

  it('close() is idempotent and run() afterwards rejects', async () => {
    await writeManifest(manifestFor(bytes));
    const runner = await OrtInferenceRunner.create(await loadVerifiedModel(dir, 'tiny'), { intraOpNumThreads: 1 });
    await runner.close();
    await runner.close();
    assert.equal(runner.closed, true);
    await assert.rejects(runner.run({ x: { data: new Float32Array(3), dims: [1, 3] } }), /closed/);
  });

  it('refuses a manifest naming a tensor the graph does not have', async () => {
    const m = manifestFor(bytes, { id: 'tiny-renamed' });
    m.outputs = [{ name: 'expressions', shape: ['N', 3], dtype: 'float32' }];
    await writeManifest(m);
    await assert.rejects(
      OrtInferenceRunner.create(await loadVerifiedModel(dir, 'tiny-renamed'), { intraOpNumThreads: 1 }),
      /lacks output 'expressions'/,
    );
  });

  it('refuses files that do not match the manifest, missing manifests and untrained exports', async () => {
    await writeManifest(manifestFor(bytes, { id: 'tiny-bad', sha256: '0'.repeat(64) }));
    await assert.rejects(loadVerifiedModel(dir, 'tiny-bad'), (e: unknown) => e instanceof AffectcastError && e.code === 'MODEL_MISSING');
    await assert.rejects(loadVerifiedModel(dir, 'nope'), (e: unknown) => e instanceof AffectcastError && e.code === 'MODEL_MISSING');
    const untrained = manifestFor(bytes, { id: 'tiny-untrained' });
    untrained.provenance = { status: 'untrained', source: 'test', licence: 'MIT' };
    await writeManifest(untrained);
    await assert.rejects(loadVerifiedModel(dir, 'tiny-untrained'), (e: unknown) => e instanceof AffectcastError && e.code === 'MODEL_UNTRAINED');
    const ok = await loadVerifiedModel(dir, 'tiny-untrained', { allowUntrained: true });
    assert.equal(ok.manifest.id, 'tiny-untrained');
  });
});
