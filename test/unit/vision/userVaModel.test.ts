// The user-supplied valence/arousal network path (HSEmotion enet_b0_8_va_mtl.onnx), exercised with small
// ONNX models of the same inputs and outputs built here: the published file cannot ship with the project.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigSchema } from '../../../src/config/schema.js';
import { FaceAffectSchema } from '../../../src/contracts/affect.js';
import { modelProvenance } from '../../../src/contracts/provenance.js';
import { FrameAnalyzer } from '../../../src/analyzer/FrameAnalyzer.js';
import { HsemotionVaNet } from '../../../src/analyzer/va/HsemotionVaNet.js';
import type { RgbImage } from '../../../src/analyzer/image/warp.js';
import { OrtInferenceRunner } from '../../../src/inference/OrtInferenceRunner.js';
import { HSEMOTION_VA, loadUserVaModel } from '../../../src/inference/userVaModel.js';
import { MODEL_IDS, loadVisionModels } from '../../../src/inference/VisionModels.js';
import { OnnxGraphBuilder } from '../../../src/models/convert/OnnxGraphBuilder.js';
import { sha256Bytes } from '../../../src/models/sha256.js';
import { decodeImage, facePhotos, requireModels } from './support.js';

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/** out = mean over pixels of each input channel (3) x weights [3, outs] + bias: a linear stand-in for the real net. */
function linearModel(weights: number[][], bias: number[], inputSize = 224): Uint8Array {
  const g = new OnnxGraphBuilder();
  const x = g.input('input', ['N', 3, inputSize, inputSize]);
  const pooled = g.node('GlobalAveragePool', [x]);
  const flat = g.node('Flatten', [pooled], { axis: { int: 1 } });
  const w = g.initializer('w', weights.flat(), [3, bias.length]);
  const b = g.initializer('b', bias, [bias.length]);
  g.output('output', g.node('Add', [g.node('MatMul', [flat, w]), b]), ['N', bias.length]);
  return g.encode({ graphName: 'va-test', producer: 'affectcast-test', producerVersion: '1', metadata: {} });
}

/** A frame whose left half is `left` and right half `right` (uniform RGB). */
function twoTone(width: number, height: number, left: number[], right: number[]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(x < width / 2 ? left : right, (y * width + x) * 3);
  return { width, height, data };
}

// valence = 0.5 * R' - 0.25 * B' + 0.1, arousal = 0.3 * G' - 0.2 (R', G', B' the ImageNet-normalised channels)
const W = [
  [0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0],
  [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.3],
  [0, 0, 0, 0, 0, 0, 0, 0, -0.25, 0],
];
const B = [1, 2, 3, 4, 5, 6, 7, 8, 0.1, -0.2];

describe('user-supplied valence/arousal model (HSEmotion shape)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-va-'));
  const write = (name: string, bytes: Uint8Array): { file: string; sha: string } => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return { file, sha: sha256Bytes(bytes) };
  };
  const good = write('enet_b0_8_va_mtl.onnx', linearModel(W, B));
  const saturating = write('saturating.onnx', linearModel([new Array(10).fill(0), new Array(10).fill(0), new Array(10).fill(0)], [0, 0, 0, 0, 0, 0, 0, 0, 5, -7]));
  const sevenWay = write('seven.onnx', linearModel([new Array(7).fill(0), new Array(7).fill(0), new Array(7).fill(0)], [0, 0, 0, 0, 0, 0, 0]));
  const small = write('small.onnx', linearModel(W, B, 112));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a file whose sha256 is not the published one, naming both and the way to accept it', async () => {
    assert.notEqual(good.sha, HSEMOTION_VA.sha256);
    await assert.rejects(loadUserVaModel({ file: good.file }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'MODEL_MISSING');
      assert.match(e.message, new RegExp(good.sha));
      assert.match(e.message, new RegExp(HSEMOTION_VA.sha256));
      assert.match(e.message, /acceptSha256/);
      return true;
    });
    // accepting some other sha does not accept this file
    await assert.rejects(loadUserVaModel({ file: good.file, acceptSha256: saturating.sha }), /not the published/);
  });

  it('loads an explicitly accepted file, names it in provenance by file name and sha prefix', async () => {
    const m = await loadUserVaModel({ file: good.file, acceptSha256: good.sha.toUpperCase() });
    assert.equal(m.manifest.id, 'hsemotion-enet-b0-8-va-mtl');
    assert.equal(m.manifest.version, good.sha.slice(0, 12));
    assert.equal(m.manifest.sha256, good.sha);
    assert.deepEqual(m.manifest.inputs[0]!.shape, ['N', 3, 224, 224]);
    assert.match(m.manifest.provenance.notes ?? '', /accepted by sha256/);
    const provenance = modelProvenance(m.manifest.id, m.manifest.version);
    assert.equal(provenance, `model:hsemotion-enet-b0-8-va-mtl@${good.sha.slice(0, 12)}`);
  });

  it('refuses the wrong shapes and a missing file with a clear message', async () => {
    await assert.rejects(loadUserVaModel({ file: sevenWay.file, acceptSha256: sevenWay.sha }), /must give one float output \[N,10\].*\[2,7\]/);
    await assert.rejects(loadUserVaModel({ file: small.file, acceptSha256: small.sha }), /does not take an RGB NCHW batch \[N,3,224,224\]/);
    await assert.rejects(loadUserVaModel({ file: path.join(dir, 'absent.onnx') }), /cannot read .*ENOENT/);
    const junk = write('junk.onnx', new TextEncoder().encode('not a model'));
    await assert.rejects(loadUserVaModel({ file: junk.file, acceptSha256: junk.sha }), /not a loadable ONNX model/);
  });

  it('feeds the face as trained (RGB, ImageNet mean/std, NCHW) and reads valence, arousal from columns 8 and 9, clipped', async () => {
    const runner = await OrtInferenceRunner.create(await loadUserVaModel({ file: good.file, acceptSha256: good.sha }), { intraOpNumThreads: 1 });
    const sat = await OrtInferenceRunner.create(await loadUserVaModel({ file: saturating.file, acceptSha256: saturating.sha }), { intraOpNumThreads: 1 });
    try {
      const left = [200, 40, 90];
      const right = [10, 250, 160];
      const img = twoTone(400, 200, left, right);
      const net = new HsemotionVaNet(runner, { maxBatch: 1 }); // grows past its first batch size
      const [a, b] = await net.estimate(img, [{ x: 20, y: 30, width: 120, height: 140 }, { x: 230, y: 10, width: 150, height: 170 }]);
      const norm = (rgb: number[]) => rgb.map((v, c) => (v / 255 - MEAN[c]!) / STD[c]!) as [number, number, number];
      for (const [got, rgb] of [[a!, left], [b!, right]] as const) {
        const [r, g, bl] = norm(rgb);
        const valence = Math.min(1, Math.max(-1, 0.5 * r - 0.25 * bl + 0.1));
        const arousal = Math.min(1, Math.max(-1, 0.3 * g - 0.2));
        assert.ok(Math.abs(got.valence - valence) < 1e-4, `valence ${got.valence} vs ${valence}`);
        assert.ok(Math.abs(got.arousal - arousal) < 1e-4, `arousal ${got.arousal} vs ${arousal}`);
      }
      assert.ok(a!.valence > 0 && b!.valence < 0, 'the two colours give opposite valence: channels are not swapped');
      const [clipped] = await new HsemotionVaNet(sat, { maxBatch: 2 }).estimate(img, [{ x: 0, y: 0, width: 50, height: 50 }]);
      assert.deepEqual(clipped, { valence: 1, arousal: -1 });
    } finally {
      await runner.close();
      await sat.close();
    }
  });

  it('config names the file and validates the accepted sha256', () => {
    const c = ConfigSchema.parse({ models: { va: { file: good.file, acceptSha256: good.sha } } });
    assert.equal(c.models.va?.file, good.file);
    assert.equal(ConfigSchema.parse({}).models.va, undefined);
    assert.throws(() => ConfigSchema.parse({ models: { va: { file: good.file, acceptSha256: 'abc' } } }), /64 digits/);
    assert.throws(() => ConfigSchema.parse({ models: { va: { file: good.file, accept: true } } }));
  });
});

describe('default profile with a user VA model', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-va-'));
  let astronaut: RgbImage;
  before(async () => {
    astronaut = await decodeImage((await facePhotos())['astronaut']!);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes valence/arousal from the model, not the circumplex estimator, with its provenance', async () => {
    const bytes = linearModel([new Array(10).fill(0), new Array(10).fill(0), new Array(10).fill(0)], [0, 0, 0, 0, 0, 0, 0, 0, -3, 0.25]);
    const file = path.join(dir, 'enet_b0_8_va_mtl.onnx');
    fs.writeFileSync(file, bytes);
    const sha = sha256Bytes(bytes);
    const models = await loadVisionModels({ dir: requireModels(...Object.values(MODEL_IDS)), intraOpNumThreads: 1, va: { file, acceptSha256: sha } });
    try {
      const faces = await new FrameAnalyzer(models, { minFaceScore: 0.6, maxFaces: 4 }).analyze({ ...astronaut, capturedAt: 1 });
      assert.equal(faces.length, 1);
      const f = FaceAffectSchema.parse(faces[0]);
      // the smiling astronaut: the circumplex estimator would say pleasant; this model says -3 -> clipped -1
      assert.equal(f.valence, -1);
      assert.ok(Math.abs((f.arousal ?? NaN) - 0.25) < 1e-6);
      assert.equal(f.provenance.va, `model:hsemotion-enet-b0-8-va-mtl@${sha.slice(0, 12)}`);
      assert.equal(f.expression?.label, 'happiness');
    } finally {
      await models.close();
    }
  });
});

describe('user VA model from the environment', () => {
  it('AFFECTCAST_VA_MODEL and AFFECTCAST_VA_ACCEPT_SHA256 name the file and the accepted sha256', async () => {
    const { loadConfig } = await import('../../../src/config/loadConfig.js');
    const sha = 'ab'.repeat(32);
    const c = loadConfig({}, { AFFECTCAST_VA_MODEL: '/x/enet_b0_8_va_mtl.onnx', AFFECTCAST_VA_ACCEPT_SHA256: sha });
    assert.deepEqual(c.models.va, { file: '/x/enet_b0_8_va_mtl.onnx', acceptSha256: sha });
    assert.throws(() => loadConfig({}, { AFFECTCAST_VA_ACCEPT_SHA256: sha }), /file/);
  });
});
