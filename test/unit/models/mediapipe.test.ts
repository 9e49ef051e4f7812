// Conversion equivalence: the ONNX FaceMesh V2 and Blendshape V2 built by `models build` against MediaPipe's
// own runtime (@mediapipe/tasks-vision, WebAssembly, CPU) on the same real photos.
//  - Blendshapes: MediaPipe's own 478 landmarks fed to the ONNX blendshape net must give MediaPipe's 52
//    scores within 0.02 (same input, so only float arithmetic differs: measured ≤ 1e-4).
//  - Landmarks: the ONNX mesh on MediaPipe's ROI (rebuilt from MediaPipe's own detector output as its graph
//    does: box centre, 1.5 × longer side, eye-line rotation) must land within 2.5 % of the inter-ocular
//    distance of MediaPipe's points on average per face, median over faces ≤ 1 %. Not tighter because the
//    two runtimes resample the crop differently (sub-pixel offsets, border handling), which moves the points
//    by a fraction of a pixel in the 256 px crop; a wrong conversion (layout, padding, weights) moves them by
//    tens of percent.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Blendshapes } from '../../../src/analyzer/blendshapes/Blendshapes.js';
import { FACEMESH_POINTS, FaceMesh, roiCrop } from '../../../src/analyzer/face/FaceMesh.js';
import { PROJECT_ROOT } from '../../../src/config/schema.js';
import { OrtInferenceRunner } from '../../../src/inference/OrtInferenceRunner.js';
import { loadVerifiedModel } from '../../../src/inference/verifiedModel.js';
import { mediapipeReference, type MediaPipeResult } from '../../support/mediapipeReference.js';
import { decodeImage, facePhotos, requireModels } from '../vision/support.js';

const SAMPLES = [1, 2, 3, 4, 5, 6].map((i) => path.join(PROJECT_ROOT, 'node_modules/@vladmandic/face-api/demo', `sample${i}.jpg`));

interface FaceReport {
  image: string;
  blendshapeMaxAbs: number;
  landmarkMeanIod: number;
}

describe('MediaPipe Face Landmarker converted to ONNX agrees with MediaPipe', { timeout: 300_000 }, () => {
  const runners: OrtInferenceRunner[] = [];
  const reports: FaceReport[] = [];
  let images: string[] = [];
  let reference: MediaPipeResult[] = [];

  before(async () => {
    const dir = requireModels('mediapipe-facemesh-v2', 'mediapipe-blendshapes');
    images = [...Object.values(await facePhotos()), ...SAMPLES];
    reference = await mediapipeReference(images);
    const open = async (id: string) => {
      const r = await OrtInferenceRunner.create(await loadVerifiedModel(dir, id), { intraOpNumThreads: 1 });
      runners.push(r);
      return r;
    };
    const mesh = new FaceMesh(await open('mediapipe-facemesh-v2'), { maxBatch: 1 });
    const blendshapes = new Blendshapes(await open('mediapipe-blendshapes'));
    for (const [i, file] of images.entries()) {
      const ref = reference[i];
      assert.ok(ref);
      const img = await decodeImage(file);
      assert.deepEqual([img.width, img.height], [ref.width, ref.height]);
      for (const face of ref.faces) {
        const mp = new Float32Array(FACEMESH_POINTS * 3);
        face.landmarks.forEach((p, k) => mp.set([p.x * ref.width, p.y * ref.height, p.z * ref.width], 3 * k));
        const scores = await blendshapes.scores(mp);
        const blendshapeMaxAbs = Math.max(...face.blendshapes.map((s, k) => Math.abs(s - (scores[k] as number))));
        // MediaPipe's detection of this face: the one whose nose keypoint is nearest the mesh's nose tip (4)
        const nose = face.landmarks[4]!;
        const det = [...ref.detections].sort(
          (a, b) => Math.hypot(a.keypoints[2]!.x - nose.x, a.keypoints[2]!.y - nose.y) - Math.hypot(b.keypoints[2]!.x - nose.x, b.keypoints[2]!.y - nose.y),
        )[0];
        assert.ok(det, `${path.basename(file)}: MediaPipe's detector found no face its landmarker found`);
        const kp = det.keypoints.map((k) => ({ x: k.x * ref.width, y: k.y * ref.height }));
        const [ours] = await mesh.landmarksInCrops(img, [roiCrop(det.box, kp[0], kp[1], mesh.inputSize)]);
        assert.ok(ours);
        const iod = Math.hypot(mp[3 * 33]! - mp[3 * 263]!, mp[3 * 33 + 1]! - mp[3 * 263 + 1]!);
        let sum = 0;
        for (let k = 0; k < FACEMESH_POINTS; k++) sum += Math.hypot(ours.points[3 * k]! - mp[3 * k]!, ours.points[3 * k + 1]! - mp[3 * k + 1]!);
        reports.push({ image: path.basename(file), blendshapeMaxAbs, landmarkMeanIod: sum / FACEMESH_POINTS / iod });
      }
    }
    console.log(reports.map((r) => `${r.image}: blendshapes max |Δ| ${r.blendshapeMaxAbs.toExponential(1)}, landmarks mean ${(100 * r.landmarkMeanIod).toFixed(2)} % IOD`).join('\n'));
  });
  after(async () => Promise.all(runners.map((r) => r.close())));

  it('MediaPipe finds the faces it should (both test photos, several in the samples)', () => {
    assert.equal(reference[0]?.faces.length, 1);
    assert.equal(reference[1]?.faces.length, 1);
    assert.ok(reports.length >= 8, `${reports.length} faces`);
  });

  it('blendshapes: the ONNX net on MediaPipe landmarks gives MediaPipe scores within 0.02', () => {
    for (const r of reports) assert.ok(r.blendshapeMaxAbs <= 0.02, `${r.image}: max |Δ| ${r.blendshapeMaxAbs}`);
  });

  it('landmarks: the ONNX mesh on MediaPipe ROI lands on MediaPipe points', () => {
    const means = reports.map((r) => r.landmarkMeanIod).sort((a, b) => a - b);
    for (const r of reports) assert.ok(r.landmarkMeanIod <= 0.025, `${r.image}: mean error ${(100 * r.landmarkMeanIod).toFixed(2)} % of IOD`);
    assert.ok((means[Math.floor(means.length / 2)] ?? 1) <= 0.01, `median ${means.join(', ')}`);
  });
});
