import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BlazeFaceDetector, bindBlazeFace } from '../../../src/analyzer/face/BlazeFaceDetector.js';
import { blazeFaceAnchors, decodeBlazeFace, weightedNms } from '../../../src/analyzer/face/blazeFaceDecode.js';
import { KP, type FaceDetection } from '../../../src/analyzer/face/FaceDetection.js';
import { FaceMesh, faceMeshCrop } from '../../../src/analyzer/face/FaceMesh.js';
import { boxCropAffine, applyAffine, type Box } from '../../../src/analyzer/image/geometry.js';
import { letterboxSquare } from '../../../src/analyzer/image/warp.js';
import { OrtInferenceRunner } from '../../../src/inference/OrtInferenceRunner.js';
import { loadVerifiedModel } from '../../../src/inference/verifiedModel.js';
import type { TensorSpec } from '../../../src/models/manifest.js';
import { decodeImage, facePhotos, greyFrame, noiseFrame, requireModels } from './support.js';

const inside = (p: { x: number; y: number }, b: Box) => p.x >= b.x && p.x <= b.x + b.width && p.y >= b.y && p.y <= b.y + b.height;

describe('BlazeFace decoding', () => {
  it('lays out 896 anchors: 16x16x2 at stride 16, then 8x8x6 at stride 32', () => {
    const a = blazeFaceAnchors(256);
    assert.equal(a.length, 896 * 2);
    assert.deepEqual([a[0], a[1], a[2], a[3], a[4], a[5]], [8, 8, 8, 8, 24, 8]);
    assert.deepEqual([a[2 * 512], a[2 * 512 + 1]], [16, 16]);
    assert.deepEqual([a[2 * 895], a[2 * 895 + 1]], [240, 240]);
  });

  it('decodes box and keypoints relative to the anchor and maps them into the frame', () => {
    const anchors = blazeFaceAnchors(256);
    const scores = new Float32Array(896).fill(-10);
    const reg = new Float32Array(896 * 16);
    const i = 600; // a stride-32 anchor
    scores[i] = 2; // sigmoid 0.88
    reg.set([4, -6, 40, 48, -10, -8, 10, -8, 0, 4, 0, 14, -22, 0, 22, 0], i * 16);
    // a 640x480 frame letterboxed to 640x640 and resized to 256: frame = 2.5 * input + (0, -80)
    const square = letterboxSquare(640, 480);
    const [d] = decodeBlazeFace(scores, reg, anchors, { minScore: 0.6, toFrame: boxCropAffine(square, 256, 256) });
    assert.ok(d);
    const ax = anchors[2 * i]!;
    const ay = anchors[2 * i + 1]!;
    assert.ok(Math.abs(d.score - 1 / (1 + Math.exp(-2))) < 1e-9);
    assert.ok(Math.abs(d.box.x - 2.5 * (ax + 4 - 20)) < 1e-4);
    assert.ok(Math.abs(d.box.y - (2.5 * (ay - 6 - 24) - 80)) < 1e-4);
    assert.ok(Math.abs(d.box.width - 100) < 1e-4 && Math.abs(d.box.height - 120) < 1e-4);
    assert.ok(Math.abs(d.keypoints[KP.rightEye]!.x - 2.5 * (ax - 10)) < 1e-4);
    assert.ok(Math.abs(d.keypoints[KP.mouth]!.y - (2.5 * (ay + 14) - 80)) < 1e-4);
    assert.equal(decodeBlazeFace(scores, reg, anchors, { minScore: 0.9, toFrame: boxCropAffine(square, 256, 256) }).length, 0);
  });

  it('weighted NMS averages a cluster by score and keeps separate faces apart', () => {
    const det = (x: number, score: number): FaceDetection => ({
      box: { x, y: 0, width: 100, height: 100 },
      keypoints: [{ x: x + 30, y: 40 }],
      score,
    });
    const out = weightedNms([det(0, 0.9), det(10, 0.6), det(500, 0.7), det(4, 0.3)], 0.3, 8);
    assert.equal(out.length, 2);
    const [a, b] = out as [FaceDetection, FaceDetection];
    assert.equal(a.score, 0.9);
    assert.ok(Math.abs(a.box.x - (0 * 0.9 + 10 * 0.6 + 4 * 0.3) / 1.8) < 1e-9);
    assert.ok(Math.abs(a.keypoints[0]!.x - (30 * 0.9 + 40 * 0.6 + 34 * 0.3) / 1.8) < 1e-9);
    assert.equal(b.box.x, 500);
    assert.equal(weightedNms([det(0, 0.9), det(500, 0.7)], 0.3, 1).length, 1, 'maxResults');
  });

  it('binds the manifest outputs by shape, 512-anchor head first, and rejects a non-BlazeFace', () => {
    const spec = (name: string, shape: Array<number | string>): TensorSpec => ({ name, shape, dtype: 'float32' });
    const input = [spec('input', [1, 256, 256, 3])];
    const b = bindBlazeFace(input, [spec('r384', [1, 384, 16]), spec('s512', [1, 512, 1]), spec('s384', [1, 384, 1]), spec('r512', [1, 512, 16])]);
    assert.deepEqual(b.scores.map((t) => t.name), ['s512', 's384']);
    assert.deepEqual(b.regressors.map((t) => t.name), ['r512', 'r384']);
    const merged = bindBlazeFace(input, [spec('scores', ['N', 896, 1]), spec('boxes', ['N', 896, 16])]);
    assert.equal(merged.scores.length, 1);
    assert.throws(() => bindBlazeFace(input, [spec('s', [1, 512, 1]), spec('r', [1, 512, 16])]), /896 anchors/);
  });
});

describe('BlazeFace and FaceMesh on real photos', () => {
  let detector: BlazeFaceDetector;
  let mesh: FaceMesh;
  const runners: OrtInferenceRunner[] = [];
  before(async () => {
    const dir = requireModels('blazeface', 'mediapipe-facemesh-v2');
    const open = async (id: string) => {
      const r = await OrtInferenceRunner.create(await loadVerifiedModel(dir, id), { intraOpNumThreads: 1 });
      runners.push(r);
      return r;
    };
    detector = new BlazeFaceDetector(await open('blazeface'), { minScore: 0.6, maxFaces: 8 });
    mesh = new FaceMesh(await open('mediapipe-facemesh-v2'), { maxBatch: 8 });
  });
  after(async () => Promise.all(runners.map((r) => r.close())));

  for (const name of ['astronaut', 'grace_hopper']) {
    it(`finds exactly one face in ${name}, keypoints in place`, async () => {
      const img = await decodeImage((await facePhotos())[name]!);
      const faces = await detector.detect(img);
      assert.equal(faces.length, 1);
      const f = faces[0]!;
      assert.ok(f.score >= 0.6 && f.score <= 1);
      // a plausible face: 10-60 % of the 512 px photo, eyes and nose and mouth inside the box
      assert.ok(f.box.width > 50 && f.box.width < 300, `box width ${f.box.width}`);
      for (const k of [KP.rightEye, KP.leftEye, KP.noseTip, KP.mouth]) assert.ok(inside(f.keypoints[k]!, f.box), `keypoint ${k} inside the box`);
      // order check: the subject's right eye (keypoint 0) is on the image's left; eyes above nose above mouth
      assert.ok(f.keypoints[KP.rightEye]!.x < f.keypoints[KP.leftEye]!.x);
      assert.ok(f.keypoints[KP.rightEarTragion]!.x < f.keypoints[KP.leftEarTragion]!.x);
      assert.ok(f.keypoints[KP.leftEye]!.y < f.keypoints[KP.noseTip]!.y && f.keypoints[KP.noseTip]!.y < f.keypoints[KP.mouth]!.y);

      const [lm] = await mesh.landmarks(img, faces);
      assert.ok(lm!.score > 0.9, `mesh face score ${lm!.score}`);
      const pt = (i: number) => ({ x: lm!.points[3 * i]!, y: lm!.points[3 * i + 1]! });
      // mesh agrees with the detector: outer eye corners around BlazeFace's eye keypoints, mouth corners around its mouth
      const eyeR = { x: (pt(33).x + pt(133).x) / 2, y: (pt(33).y + pt(133).y) / 2 };
      const iod = Math.hypot(f.keypoints[0]!.x - f.keypoints[1]!.x, f.keypoints[0]!.y - f.keypoints[1]!.y);
      assert.ok(Math.hypot(eyeR.x - f.keypoints[KP.rightEye]!.x, eyeR.y - f.keypoints[KP.rightEye]!.y) < 0.25 * iod);
      assert.ok(pt(61).x < f.keypoints[KP.mouth]!.x && f.keypoints[KP.mouth]!.x < pt(291).x);
    });
  }

  it('finds no face in flat grey or noise frames', async () => {
    assert.deepEqual(await detector.detect(greyFrame(640, 480)), []);
    assert.deepEqual(await detector.detect(noiseFrame(640, 480)), []);
  });

  it("rotates the mesh crop with the eye line so a tilted face is seen upright", () => {
    const det: FaceDetection = {
      box: { x: 100, y: 100, width: 100, height: 100 },
      keypoints: [{ x: 130, y: 130 }, { x: 170, y: 170 }, { x: 150, y: 150 }, { x: 150, y: 180 }, { x: 100, y: 140 }, { x: 200, y: 160 }],
      score: 1,
    };
    const m = faceMeshCrop(det, 256);
    const centre = applyAffine(m, { x: 128, y: 128 });
    assert.ok(Math.abs(centre.x - 150) < 1e-9 && Math.abs(centre.y - 150) < 1e-9);
    // the crop's +x axis follows the eye line (45 degrees here); the crop spans 1.5x the box (MediaPipe's ROI)
    const right = applyAffine(m, { x: 256, y: 128 });
    assert.ok(Math.abs(Math.atan2(right.y - centre.y, right.x - centre.x) - Math.PI / 4) < 1e-9);
    assert.ok(Math.abs(Math.hypot(right.x - centre.x, right.y - centre.y) - 75) < 1e-9);
  });
});
