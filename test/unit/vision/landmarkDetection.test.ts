// The geometry read off FaceMesh V2 landmarks: exact on a known transform of known points, and, on real
// faces, a BlazeFace-like detection that agrees with what BlazeFace finds (box and keypoints).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BlazeFaceDetector } from '../../../src/analyzer/face/BlazeFaceDetector.js';
import { KP } from '../../../src/analyzer/face/FaceDetection.js';
import { FaceMesh } from '../../../src/analyzer/face/FaceMesh.js';
import { LANDMARK_DETECTION_RULE } from '../../../src/analyzer/face/landmarkDetectionRule.js';
import {
  calibrateToDetection,
  detectionFromLandmarks,
  landmarkRect,
  meshCropFromLandmarks,
  ROLL_LANDMARKS,
} from '../../../src/analyzer/face/landmarkGeometry.js';
import { applyAffine, iou, type Point } from '../../../src/analyzer/image/geometry.js';
import { loadVisionModels, type VisionModels } from '../../../src/inference/VisionModels.js';
import { decodeView, VIEWS } from '../../fixtures/faceApiPairs.js';
import { facePhotos, requireModels } from './support.js';

/** 478 points on the rectangle [-40, 40] x [-50, 50] (corners included), eye corners level, moved by a known similarity. */
function knownFace(scale: number, angle: number, tx: number, ty: number): { points: Float32Array; map: (p: Point) => Point } {
  const map = (p: Point): Point => ({
    x: scale * (Math.cos(angle) * p.x - Math.sin(angle) * p.y) + tx,
    y: scale * (Math.sin(angle) * p.x + Math.cos(angle) * p.y) + ty,
  });
  const points = new Float32Array(478 * 3);
  for (let k = 0; k < 478; k++) {
    const p = k < 4 ? { x: k % 2 ? 40 : -40, y: k < 2 ? -50 : 50 } : { x: -30 + ((k * 7) % 60), y: -40 + ((k * 13) % 80) };
    const q = map(p);
    points[3 * k] = q.x;
    points[3 * k + 1] = q.y;
  }
  const eye = (k: number, x: number): void => {
    const q = map({ x, y: -20 });
    points[3 * k] = q.x;
    points[3 * k + 1] = q.y;
  };
  eye(ROLL_LANDMARKS.rightEyeOuter, -25);
  eye(ROLL_LANDMARKS.leftEyeOuter, 25);
  return { points, map };
}

describe('landmark geometry on a known transform', () => {
  it('recovers the roll, the rectangle and the next crop of points moved by a known similarity', { timeout: 5_000 }, () => {
    const { points, map } = knownFace(2, 0.3, 300, 200);
    const rect = landmarkRect(points);
    assert.ok(Math.abs(rect.roll - 0.3) < 1e-6, `roll ${rect.roll}`);
    assert.ok(Math.abs(rect.width - 160) < 1e-3 && Math.abs(rect.height - 200) < 1e-3, `size ${rect.width} x ${rect.height}`);
    assert.ok(Math.hypot(rect.centre.x - 300, rect.centre.y - 200) < 1e-3, `centre ${JSON.stringify(rect.centre)}`);
    // the 256-pixel crop: its centre on the face's centre, its corners on the 1.5 x 200 square turned by the roll
    const crop = meshCropFromLandmarks(points, 256);
    const at = (u: number, v: number): Point => applyAffine(crop, { x: u, y: v });
    const expectCorner = (got: Point, want: Point): void => assert.ok(Math.hypot(got.x - want.x, got.y - want.y) < 1e-3, `${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
    expectCorner(at(128, 128), { x: 300, y: 200 });
    expectCorner(at(0, 0), map({ x: -75, y: -75 }));
    expectCorner(at(256, 256), map({ x: 75, y: 75 }));
  });

  it('a calibration taken on one frame reproduces that frame\'s detector box and carries it with the face', { timeout: 5_000 }, () => {
    const a = knownFace(2, 0.1, 300, 200);
    const seen = { box: { x: 210, y: 95, width: 170, height: 170 }, keypoints: [], score: 0.9 };
    const calibration = calibrateToDetection(a.points, seen, LANDMARK_DETECTION_RULE);
    const same = detectionFromLandmarks(a.points, 1, LANDMARK_DETECTION_RULE, calibration).box;
    for (const k of ['x', 'y', 'width', 'height'] as const) assert.ok(Math.abs(same[k] - seen.box[k]) < 1e-6, `${k}: ${same[k]}`);
    // the face moves 40 px right and grows by 10 %: the box moves and grows with it
    const b = knownFace(2.2, 0.1, 340, 200);
    const moved = detectionFromLandmarks(b.points, 1, LANDMARK_DETECTION_RULE, calibration).box;
    assert.ok(Math.abs(moved.width - 1.1 * 170) < 1e-3, `width ${moved.width}`);
    const cx = moved.x + moved.width / 2;
    const expected = b.map({ x: 0, y: 0 }).x + 1.1 * (seen.box.x + 85 - a.map({ x: 0, y: 0 }).x);
    assert.ok(Math.abs(cx - expected) < 1e-3, `centre x ${cx} vs ${expected}`);
  });
});

describe('BlazeFace-like detections from FaceMesh V2 landmarks, on real faces', () => {
  let models: VisionModels;
  before(async () => {
    models = await loadVisionModels({ dir: requireModels('blazeface', 'mediapipe-facemesh-v2', 'mediapipe-blendshapes', 'faceapi-expression'), intraOpNumThreads: 1 });
  });
  after(async () => models.close());

  it('agree with BlazeFace on the box and the six keypoints, upright, rolled and mirrored', { timeout: 120_000 }, async () => {
    const photos = await facePhotos();
    const detector = new BlazeFaceDetector(models.detector, { minScore: 0.6, maxFaces: 4 });
    const mesh = new FaceMesh(models.mesh!, { maxBatch: 4 });
    let faces = 0;
    for (const file of [photos['astronaut']!, photos['grace_hopper']!]) {
      for (const view of ['asis', 'mirror', 'roll+20', 'roll-20'] as const) {
        const img = await decodeView(file, VIEWS[view]!);
        const [det] = await detector.detect(img);
        assert.ok(det, `${file} ${view}: a face`);
        const [lm] = await mesh.landmarks(img, [det]);
        assert.ok(lm && lm.score >= 0.5);
        const derived = detectionFromLandmarks(lm.points, lm.score, LANDMARK_DETECTION_RULE);
        const overlap = iou(derived.box, det.box);
        assert.ok(overlap > 0.75, `${view}: box IoU ${overlap.toFixed(3)}`);
        derived.keypoints.forEach((p, k) => {
          const q = det.keypoints[k]!;
          const error = Math.hypot(p.x - q.x, p.y - q.y) / det.box.width;
          assert.ok(error < 0.12, `${view}: keypoint ${k} off by ${error.toFixed(3)} box widths`);
        });
        // the subject's right eye is on the image's left, as in BlazeFace's own output
        assert.ok(derived.keypoints[KP.rightEye]!.x < derived.keypoints[KP.leftEye]!.x);
        faces++;
      }
    }
    assert.equal(faces, 8);
  });
});
