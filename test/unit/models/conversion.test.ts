// The converted ONNX models must compute what the original JavaScript implementations compute:
// BlazeFace and FaceMesh against tfjs-converter's graph model, the expression net against face-api's own
// FaceExpressionNet forward pass (its code, not our graph), on seeded random inputs and on a real photo.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { EXPRESSIONS } from '../../../src/contracts/labels.js';
import { silentLogger } from '../../../src/log/logger.js';
import { buildModels } from '../../../src/models/buildModels.js';
import { loadManifest } from '../../../src/models/loadManifest.js';
import { convertTfjsGraph } from '../../../src/models/convert/convertTfjsGraph.js';
import { loadTfjsGraph, signatureOutputs } from '../../../src/models/convert/tfjsModel.js';
import {
  FACEAPI_MODELS,
  HUMAN_MODELS,
  SAMPLE_IMAGE,
  cropResize,
  decodeImage,
  faceapi,
  faceApiExpressionNames,
  loadReferenceGraphModel,
  column,
  compare,
  describeDifference,
  type Difference,
  randomArray,
  rng,
  tf,
  useCpuBackend,
  type ReferenceGraphModel,
  type RgbImage,
} from './fixtures.js';

/**
 * max |onnx − reference| ≤ 1e-4 · max(1, max |reference|) per tensor: exactly 1e-4 absolute for tensors within
 * [-1, 1] (every probability: expressions, faceflag, BlazeFace scores after sigmoid), and 1e-4 of the range for
 * pixel coordinates and raw logits, where float32 spacing alone exceeds 1e-4 above 1024 (see fixtures.ts compare).
 */
const TOLERANCE = 1e-4;

function assertClose(t: { diagnostic(message: string): void }, label: string, onnx: ArrayLike<number>, ref: ArrayLike<number>): void {
  const d = compare(onnx, ref);
  t.diagnostic(`${label}: ${describeDifference(d)}`);
  assert.ok(d.normwise <= TOLERANCE, `${label}: ${describeDifference(d)} exceeds ${TOLERANCE}`);
}

/** BlazeFace's columns mix logits (up to ~10^4) with pixel offsets, so each column is compared on its own range. */
function assertBlazefaceClose(t: { diagnostic(message: string): void }, label: string, onnx: ArrayLike<number>, ref: ArrayLike<number>): void {
  let worst: Difference = { abs: 0, refMax: 0, normwise: 0 };
  for (let c = 0; c < 17; c++) {
    const d = compare(column(onnx, c, 17), column(ref, c, 17));
    assert.ok(d.normwise <= TOLERANCE, `${label} column ${c}: ${describeDifference(d)} exceeds ${TOLERANCE}`);
    if (d.normwise > worst.normwise) worst = d;
  }
  const whole = compare(onnx, ref);
  t.diagnostic(`${label}: max abs diff ${whole.abs.toExponential(2)}; worst column ${describeDifference(worst)}`);
  // In the consumer's units: face probabilities (sigmoid of column 0) agree to 1e-4 absolute.
  const sigmoid = (x: Float32Array): Float32Array => x.map((v) => 1 / (1 + Math.exp(-v)));
  const probs = compare(sigmoid(column(onnx, 0, 17)), sigmoid(column(ref, 0, 17)));
  t.diagnostic(`${label} scores after sigmoid: max abs diff ${probs.abs.toExponential(2)}`);
  assert.ok(probs.abs <= TOLERANCE, `${label}: scores differ by ${probs.abs}`);
}

/** face-api's class names → the paper's, written out here independently of src/models/faceapi/labelOrder.ts. */
const PAPER_NAME_IN_FACEAPI: Record<(typeof EXPRESSIONS)[number], string> = {
  neutral: 'neutral',
  anger: 'angry',
  disgust: 'disgusted',
  fear: 'fearful',
  happiness: 'happy',
  sadness: 'sad',
  surprise: 'surprised',
};

type Box = [number, number, number, number];

async function run(session: ort.InferenceSession, data: Float32Array, dims: number[]): Promise<Record<string, Float32Array>> {
  const out = await session.run({ image: new ort.Tensor('float32', data, dims) });
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
}

function only<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} missing`);
  return value;
}

/** BlazeFace reference rows [896,17] built from tfjs' four outputs the way human's getBoxes does (sort by size). */
function blazefaceReference(model: ReferenceGraphModel, input: Float32Array): Float32Array {
  return tf.tidy(() => {
    const outs = model.execute(tf.tensor4d(input, [1, 256, 256, 3]));
    const list = (Array.isArray(outs) ? outs : [outs]).slice().sort((a, b) => a.size - b.size);
    const [s384, s512, r384, r512] = list;
    if (!s384 || !s512 || !r384 || !r512) throw new Error('blazeface.json: expected 4 outputs');
    const rows = tf.concat([tf.concat([s512, r512], 2), tf.concat([s384, r384], 2)], 1);
    return rows.dataSync() as Float32Array;
  });
}

/** facemesh reference outputs keyed by their width (1404 mesh, 1 faceflag, 266 contours). */
function facemeshReference(model: ReferenceGraphModel, input: Float32Array, n: number): Map<number, Float32Array> {
  const x = tf.tensor4d(input, [n, 192, 192, 3]);
  const outs = model.execute(x);
  const list = Array.isArray(outs) ? outs : [outs];
  const byWidth = new Map(list.map((t) => [t.shape[t.shape.length - 1] ?? 0, t.dataSync() as Float32Array]));
  tf.dispose([x, ...list]);
  return byWidth;
}

/** face-api's own forward pass for one 112×112 crop, returned in the paper's order. */
async function faceApiReference(crop: Float32Array): Promise<{ paper: number[]; raw: Float32Array }> {
  const input = faceapi.tf.tensor4d(crop, [1, 112, 112, 3]);
  const out = await faceapi.nets.faceExpressionNet.forward(input);
  const raw = out.dataSync() as Float32Array;
  out.dispose();
  input.dispose();
  const named = faceApiExpressionNames(raw);
  return { paper: EXPRESSIONS.map((e) => only(named[PAPER_NAME_IN_FACEAPI[e]], e)), raw };
}

/**
 * [n,896,17] rows from the ONNX model's four named heads, concatenated as the manifest documents (stride 16
 * then stride 32; per anchor the score logit then the 16 regressors): what a decoder does.
 */
function onnxBlazefaceRows(out: Record<string, Float32Array>, n: number): Float32Array[] {
  const heads = [
    { scores: only(out['scores_stride16'], 'scores_stride16'), regressors: only(out['regressors_stride16'], 'regressors_stride16'), rows: 512 },
    { scores: only(out['scores_stride32'], 'scores_stride32'), regressors: only(out['regressors_stride32'], 'regressors_stride32'), rows: 384 },
  ];
  return Array.from({ length: n }, (_, b) => {
    const rows = new Float32Array(896 * 17);
    let r = 0;
    for (const head of heads) {
      assert.equal(head.scores.length, n * head.rows);
      assert.equal(head.regressors.length, n * head.rows * 16);
      for (let i = 0; i < head.rows; i++, r++) {
        rows[17 * r] = only(head.scores[b * head.rows + i], 'score');
        rows.set(head.regressors.subarray(16 * (b * head.rows + i), 16 * (b * head.rows + i + 1)), 17 * r + 1);
      }
    }
    return rows;
  });
}

function anchors(): Array<[number, number]> {
  const list: Array<[number, number]> = [];
  for (const [stride, perCell] of [[16, 2], [32, 6]] as const) {
    const grid = 256 / stride;
    for (let y = 0; y < grid; y++) for (let x = 0; x < grid; x++) for (let k = 0; k < perCell; k++) list.push([stride * (x + 0.5), stride * (y + 0.5)]);
  }
  return list;
}

/** Decodes the best detection of [896,17] rows with the anchors and columns the manifest documents. */
function bestFace(detections: Float32Array, side: number, offset: [number, number]) {
  const a = anchors();
  let best = 0;
  for (let i = 1; i < 896; i++) if ((detections[17 * i] ?? -Infinity) > (detections[17 * best] ?? -Infinity)) best = i;
  const row = detections.subarray(17 * best, 17 * best + 17);
  const [ax, ay] = only(a[best], 'anchor');
  const k = side / 256;
  const at = (i: number): number => only(row[i], `column ${i}`);
  const point = (dx: number, dy: number): [number, number] => [(ax + dx) * k - offset[0], (ay + dy) * k - offset[1]];
  const [cx, cy] = point(at(1), at(2));
  return {
    score: 1 / (1 + Math.exp(-at(0))),
    centre: [cx, cy] as [number, number],
    size: [at(3) * k, at(4) * k] as [number, number],
    keypoints: [0, 1, 2, 3, 4, 5].map((j) => point(at(5 + 2 * j), at(6 + 2 * j))),
  };
}

function squareAround(centre: [number, number], size: [number, number], factor: number): Box {
  const half = (Math.max(...size) * factor) / 2;
  return [centre[0] - half, centre[1] - half, centre[0] + half, centre[1] + half];
}

/** human's FaceMesh V1 graph converted as `models build` converted it before FaceMesh V2 replaced it. */
function convertFacemeshV1(): Uint8Array {
  const { json, graph } = loadTfjsGraph(path.join(HUMAN_MODELS, 'facemesh.json'));
  const signature = signatureOutputs(json);
  const conv = convertTfjsGraph(graph, { dynamicBatch: true, inputNames: { input_1: 'image' } });
  for (const [key, name, width] of [['output_mesh', 'mesh', 1404], ['output_faceflag', 'faceflag', 1], ['output_contours', 'contours', 266]] as const) {
    const s = signature.find((o) => o.key === key);
    assert.ok(s && s.shape.at(-1) === width, `facemesh.json output ${key}`);
    conv.builder.output(name, conv.tensor(s.tensor), ['N', width]);
  }
  return conv.builder.encode({ graphName: 'facemesh', producer: 'test', producerVersion: '0', metadata: {} });
}

describe('converted models equal the original JavaScript implementations', () => {
  let dir: string;
  const sessions = new Map<string, ort.InferenceSession>();
  const session = (id: string): ort.InferenceSession => only(sessions.get(id), `session ${id}`);
  let blazefaceTf: ReferenceGraphModel;
  let facemeshTf: ReferenceGraphModel;
  let photo: RgbImage;
  let letterboxed: Float32Array;
  let side: number;
  let offset: [number, number];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-models-'));
    await buildModels(dir, silentLogger());
    for (const id of ['blazeface', 'faceapi-expression']) {
      sessions.set(id, await ort.InferenceSession.create(loadManifest(dir, id).modelPath, { intraOpNumThreads: 1 }));
    }
    // FaceMesh V1 is no longer served (FaceMesh V2 comes from the MediaPipe bundle), but it stays the tfjs
    // converter's hardest case (float16 weights, PRelu, three heads): converted here, in the test only.
    sessions.set('facemesh', await ort.InferenceSession.create(convertFacemeshV1(), { intraOpNumThreads: 1 }));
    await useCpuBackend();
    blazefaceTf = loadReferenceGraphModel(path.join(HUMAN_MODELS, 'blazeface.json'));
    facemeshTf = loadReferenceGraphModel(path.join(HUMAN_MODELS, 'facemesh.json'));
    await faceapi.nets.faceExpressionNet.loadFromDisk(FACEAPI_MODELS);
    photo = decodeImage(SAMPLE_IMAGE, 640);
    side = Math.max(photo.width, photo.height);
    offset = [(side - photo.width) / 2, (side - photo.height) / 2];
    letterboxed = cropResize(photo, [-offset[0], -offset[1], side - offset[0], side - offset[1]], 256).map((v) => v / 127.5 - 1);
  });

  after(async () => {
    for (const s of sessions.values()) await s.release();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('blazeface: random inputs, as a batch of 2, match tfjs row for row', async (t) => {
    const random = rng(1);
    const inputs = [randomArray(256 * 256 * 3, -1, 1, random), randomArray(256 * 256 * 3, -1, 1, random)];
    const batch = new Float32Array(2 * 256 * 256 * 3);
    inputs.forEach((x, i) => batch.set(x, i * x.length));
    const onnx = onnxBlazefaceRows(await run(session('blazeface'), batch, [2, 256, 256, 3]), 2);
    inputs.forEach((x, i) => {
      assertBlazefaceClose(t, `blazeface random #${i}`, only(onnx[i], 'rows'), blazefaceReference(blazefaceTf, x));
    });
  });

  it('blazeface: a real photo matches tfjs, and the documented layout decodes to a face', async (t) => {
    const onnx = only(onnxBlazefaceRows(await run(session('blazeface'), letterboxed, [1, 256, 256, 3]), 1)[0], 'rows');
    assertBlazefaceClose(t, 'blazeface photo', onnx, blazefaceReference(blazefaceTf, letterboxed));
    const face = bestFace(onnx, side, offset);
    t.diagnostic(`best face: score ${face.score.toFixed(3)} centre ${face.centre.map((v) => v.toFixed(0)).join(',')} size ${face.size.map((v) => v.toFixed(0)).join('x')}`);
    assert.ok(face.score > 0.8, `no confident face in ${SAMPLE_IMAGE}`);
    assert.ok(face.size[0] > 20 && face.size[0] < photo.width / 2, `implausible face width ${face.size[0]}`);
    // Keypoints as documented: both eyes above the nose, the nose above the mouth, eyes apart horizontally.
    const [eye0, eye1, nose, mouth] = face.keypoints;
    assert.ok(eye0 && eye1 && nose && mouth);
    assert.ok(eye0[1] < nose[1] && eye1[1] < nose[1] && nose[1] < mouth[1], 'keypoint order');
    assert.ok(eye0[0] < eye1[0], 'keypoint 0 (subject\'s right eye) lies left of keypoint 1 in the image');
  });

  it('facemesh: random inputs, as a batch of 2, match tfjs', async (t) => {
    const input = randomArray(2 * 192 * 192 * 3, 0, 1, rng(2));
    const onnx = await run(session('facemesh'), input, [2, 192, 192, 3]);
    const ref = facemeshReference(facemeshTf, input, 2);
    for (const [name, width] of [['mesh', 1404], ['faceflag', 1], ['contours', 266]] as const) {
      assertClose(t, `facemesh random ${name}`, only(onnx[name], name), only(ref.get(width), `tfjs width ${width}`));
    }
  });

  it('facemesh: a real face crop matches tfjs and is recognised as a face', async (t) => {
    const detections = only(onnxBlazefaceRows(await run(session('blazeface'), letterboxed, [1, 256, 256, 3]), 1)[0], 'rows');
    const face = bestFace(detections, side, offset);
    const crop = cropResize(photo, squareAround(face.centre, face.size, 1.4), 192).map((v) => v / 255);
    const onnx = await run(session('facemesh'), crop, [1, 192, 192, 3]);
    const ref = facemeshReference(facemeshTf, crop, 1);
    for (const [name, width] of [['mesh', 1404], ['faceflag', 1], ['contours', 266]] as const) {
      assertClose(t, `facemesh photo ${name}`, only(onnx[name], name), only(ref.get(width), `tfjs width ${width}`));
    }
    const faceflag = only(onnx['faceflag']?.[0], 'faceflag');
    t.diagnostic(`facemesh faceflag on the crop: ${faceflag.toFixed(3)}`);
    assert.ok(faceflag > 0.5, 'faceflag should be a probability above 0.5 for a real face');
  });

  it("faceapi-expression: random inputs match face-api's forward pass, in the paper's order", async (t) => {
    const random = rng(3);
    const crops = [randomArray(112 * 112 * 3, 0, 255, random), randomArray(112 * 112 * 3, 0, 255, random)];
    const batch = new Float32Array(2 * 112 * 112 * 3);
    crops.forEach((c, i) => batch.set(c, i * c.length));
    const onnx = only((await run(session('faceapi-expression'), batch, [2, 112, 112, 3]))['expressions'], 'expressions');
    for (const [i, crop] of crops.entries()) {
      const { paper } = await faceApiReference(crop);
      assertClose(t, `expression random #${i}`, onnx.subarray(7 * i, 7 * i + 7), paper);
    }
  });

  it("faceapi-expression: a real face crop matches face-api's forward pass, and the order matters", async (t) => {
    const detections = only(onnxBlazefaceRows(await run(session('blazeface'), letterboxed, [1, 256, 256, 3]), 1)[0], 'rows');
    const face = bestFace(detections, side, offset);
    const crop = cropResize(photo, squareAround(face.centre, face.size, 1.2), 112);
    const onnx = only((await run(session('faceapi-expression'), crop, [1, 112, 112, 3]))['expressions'], 'expressions');
    const { paper, raw } = await faceApiReference(crop);
    const top = EXPRESSIONS[onnx.indexOf(Math.max(...onnx))];
    t.diagnostic(`expression photo: top ${top} ${Math.max(...onnx).toFixed(2)}`);
    // Probabilities are ≤ 1, so this is the plain absolute bound.
    assertClose(t, 'expression photo', onnx, paper);
    // Sanity of the check itself: face-api's unpermuted order must not pass as the paper's.
    assert.ok(compare(onnx, raw).abs > 0.01, 'this crop cannot tell the label orders apart');
    assert.ok(Math.abs(onnx.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'softmax sums to 1');
  });
});
