import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { before, describe, it } from 'node:test';
import { EXPRESSIONS } from '../../../src/contracts/labels.js';
import { FaceApiExpressionNet, bindExpressionNet } from '../../../src/analyzer/expression/FaceApiExpressionNet.js';
import { topExpression } from '../../../src/analyzer/expression/topExpression.js';
import { faceApiCrop, faceApiSliceRegion } from '../../../src/analyzer/expression/faceApiCrop.js';
import { FACEAPI_BOX_RULE, faceApiBoxFromBlazeFace } from '../../../src/analyzer/expression/faceApiBox.js';
import type { Box } from '../../../src/analyzer/image/geometry.js';
import type { Float32Tensor, InferenceRunner } from '../../../src/inference/InferenceRunner.js';
import type { ModelManifest, TensorSpec } from '../../../src/models/manifest.js';
import { noiseFrame } from './support.js';

// face-api's own code (its NetInput / extractFaceTensors on tfjs' cpu backend) as the reference
const require = createRequire(import.meta.url);
interface Tensor { dataSync(): Float32Array; dispose(): void; shape: number[] }
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as {
  tf: { setBackend(b: string): Promise<boolean>; ready(): Promise<void>; tensor3d(d: Int32Array, s: number[], t: string): Tensor };
  Rect: new (x: number, y: number, w: number, h: number) => unknown;
  extractFaceTensors(img: Tensor, boxes: unknown[]): Promise<Tensor[]>;
  toNetInput(t: Tensor): Promise<{ toBatchTensor(size: number, centre: boolean): Tensor }>;
};

describe("face-api's expression preprocessing", () => {
  before(async () => {
    await faceapi.tf.setBackend('cpu');
    await faceapi.tf.ready();
  });

  const img = noiseFrame(160, 120, 7);
  const boxes: Array<[string, Box]> = [
    ['inside, tall, downsampled', { x: 20.7, y: 10.2, width: 60.4, height: 100.9 }],
    ['inside, wide, odd padding', { x: 5.5, y: 30.25, width: 131.3, height: 40.6 }],
    ['small, upsampled', { x: 70.9, y: 50.1, width: 31.2, height: 37.8 }],
    ['past the left and top edges', { x: -25.5, y: -10, width: 80, height: 90 }],
    ['past the right and bottom edges', { x: 120.2, y: 80.6, width: 70, height: 60 }],
    ['exactly 112 square', { x: 10, y: 4, width: 112, height: 112 }],
  ];
  for (const [name, box] of boxes) {
    it(`matches face-api's own crop, pad and resize: ${name}`, async () => {
      const t = faceapi.tf.tensor3d(Int32Array.from(img.data), [img.height, img.width, 3], 'int32');
      const [face] = await faceapi.extractFaceTensors(t, [new faceapi.Rect(box.x, box.y, box.width, box.height)]);
      const batch = (await faceapi.toNetInput(face!)).toBatchTensor(112, true);
      const ref = batch.dataSync();
      [t, face!, batch].forEach((x) => x.dispose());
      const ours = new Float32Array(112 * 112 * 3);
      assert.equal(faceApiCrop(img, box, ours), true);
      let worst = 0;
      for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs((ours[i] as number) - (ref[i] as number)));
      assert.ok(worst < 1e-3, `max |ours - face-api| = ${worst}`);
    });
  }

  it('drops boxes with no pixel inside the frame, as face-api does', () => {
    const out = new Float32Array(112 * 112 * 3);
    assert.equal(faceApiCrop(img, { x: 200, y: 10, width: 30, height: 30 }, out), false);
    assert.equal(faceApiSliceRegion({ x: -40, y: 0, width: 30, height: 30 }, 160, 120), null);
    assert.ok(out.every((v) => v === 0));
  });
});

describe('BlazeFace -> face-api box rule', () => {
  const eyes = (angle: number) => {
    // right eye (image left) and left eye 40 px apart at `angle`, around (150, 140)
    const [c, sn] = [Math.cos(angle), Math.sin(angle)];
    return [{ x: 150 - 20 * c, y: 140 - 20 * sn }, { x: 150 + 20 * c, y: 140 + 20 * sn }, { x: 150, y: 150 }, { x: 150, y: 170 }];
  };
  const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);

  it('gives the narrower, taller, higher box of an upright face', () => {
    assert.deepEqual(FACEAPI_BOX_RULE, { width: 0.91, height: 1.18, widthPerRoll: 0.46, heightPerRoll: 0.3, up: 0.06 });
    const b = faceApiBoxFromBlazeFace({ box: { x: 100, y: 100, width: 100, height: 100 }, keypoints: eyes(0), score: 0.9 });
    near(b.width, 91, 'width');
    near(b.height, 118, 'height');
    near(b.x + b.width / 2, 150, 'centre x');
    near(b.y + b.height / 2, 144, 'centre y, 0.06 W above');
  });

  it('grows with head roll and moves the centre along the face, not the frame', () => {
    const b = faceApiBoxFromBlazeFace({ box: { x: 100, y: 100, width: 100, height: 100 }, keypoints: eyes(Math.PI / 6), score: 0.9 });
    near(b.width, 91 + 46 * 0.5, 'width at 30 degrees');
    near(b.height, 118 + 30 * 0.5, 'height at 30 degrees');
    // towards the forehead of a face rolled clockwise on screen: up and to the right
    near(b.x + b.width / 2, 150 + 6 * 0.5, 'centre x');
    near(b.y + b.height / 2, 150 - 6 * Math.cos(Math.PI / 6), 'centre y');
    const mirrored = faceApiBoxFromBlazeFace({ box: { x: 100, y: 100, width: 100, height: 100 }, keypoints: eyes(-Math.PI / 6), score: 0.9 });
    near(mirrored.width, b.width, 'roll either way');
    near(mirrored.x + mirrored.width / 2, 150 - 3, 'mirrored centre x');
  });
});

function manifest(output: TensorSpec): ModelManifest {
  return {
    manifestVersion: 1, id: 'faceapi-expression', version: '1', file: 'x.onnx', sha256: '0'.repeat(64), bytes: 1,
    inputs: [{ name: 'input', shape: ['N', 112, 112, 3], dtype: 'float32' }], outputs: [output],
    preprocessing: {}, provenance: { status: 'pretrained', source: 't', licence: 'MIT' }, createdBy: 't',
  };
}

/** A runner that answers every face with the same output row. */
function fakeRunner(m: ModelManifest, row: number[]): InferenceRunner & { calls: Float32Tensor[] } {
  const calls: Float32Tensor[] = [];
  return {
    manifest: m, inputNames: ['input'], outputNames: [m.outputs[0]!.name], calls,
    async run(feeds) {
      const x = feeds['input']!;
      calls.push({ data: Float32Array.from(x.data), dims: x.dims });
      const n = x.dims[0]!;
      return { [m.outputs[0]!.name]: { data: Float32Array.from(Array.from({ length: n }, () => row).flat()), dims: [n, 7] } };
    },
    async close() {},
  };
}

describe('expression net adapter', () => {
  it("maps face-api's label order onto affectcast's by the manifest's labels", async () => {
    // face-api order: neutral, happy, sad, angry, fearful, disgusted, surprised
    const m = manifest({ name: 'Identity', shape: ['N', 7], dtype: 'float32', labels: ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'] });
    const runner = fakeRunner(m, [0.0625, 0.5, 0.125, 0.25, 0.015625, 0.03125, 0.0078125]); // exact in float32
    const net = new FaceApiExpressionNet(runner, { maxBatch: 2 });
    const img = noiseFrame(64, 64);
    const [a, b, c] = await net.classify(img, [
      { x: 0, y: 0, width: 30, height: 40 },
      { x: 500, y: 500, width: 10, height: 10 }, // outside: null, not sent to the net
      { x: 10, y: 10, width: 40, height: 40 },
    ]);
    assert.equal(runner.calls.length, 1, 'one batch per frame');
    assert.deepEqual(runner.calls[0]!.dims, [2, 112, 112, 3]);
    assert.equal(b, null);
    assert.deepEqual(a, { neutral: 0.0625, anger: 0.25, disgust: 0.03125, fear: 0.015625, happiness: 0.5, sadness: 0.125, surprise: 0.0078125 });
    assert.equal(topExpression(c!), 'happiness');
  });

  it("takes the paper's order as is and refuses an unlabelled output", () => {
    const paper = bindExpressionNet(manifest({ name: 'input', shape: [1], dtype: 'float32' }).inputs, [
      { name: 'expressions', shape: ['N', 7], dtype: 'float32', labels: [...EXPRESSIONS] },
    ]);
    assert.deepEqual(paper.order, [0, 1, 2, 3, 4, 5, 6]);
    assert.throws(() => bindExpressionNet(manifest({ name: 'x', shape: [1], dtype: 'float32' }).inputs, [{ name: 'expressions', shape: ['N', 7], dtype: 'float32' }]), /must label/);
    assert.throws(
      () => bindExpressionNet(manifest({ name: 'x', shape: [1], dtype: 'float32' }).inputs, [
        { name: 'expressions', shape: ['N', 7], dtype: 'float32', labels: ['neutral', 'happy', 'happy', 'angry', 'fearful', 'disgusted', 'surprised'] },
      ]),
      /must label/,
    );
  });
});
