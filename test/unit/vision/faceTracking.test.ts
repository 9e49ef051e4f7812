// Tracking that saves work, on real frames through the real networks: the detector runs only when it must
// (counted at the runner, below the code under test), ids hold while a face is followed by its landmarks,
// a face that leaves and returns gets a new id, and the largest faces are the ones kept.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BlazeFaceDetector } from '../../../src/analyzer/face/BlazeFaceDetector.js';
import { FrameAnalyzer } from '../../../src/analyzer/FrameAnalyzer.js';
import { iou } from '../../../src/analyzer/image/geometry.js';
import type { RgbImage } from '../../../src/analyzer/image/warp.js';
import type { VideoFrame } from '../../../src/analyzer/media/frames.js';
import type { InferenceRunner } from '../../../src/inference/InferenceRunner.js';
import { loadVisionModels, type VisionModels } from '../../../src/inference/VisionModels.js';
import { decodeImage, facePhotos, greyFrame, requireModels, shifted } from './support.js';

const frame = (img: RgbImage, capturedAt = Date.now()): VideoFrame => ({ ...img, capturedAt });

/** The real detector session, with a count of the batches it ran. */
function counted(runner: InferenceRunner): { runner: InferenceRunner; calls: () => number } {
  let calls = 0;
  return {
    runner: {
      manifest: runner.manifest,
      inputNames: runner.inputNames,
      outputNames: runner.outputNames,
      run: (feeds) => {
        calls++;
        return runner.run(feeds);
      },
      close: () => Promise.resolve(), // the shared session is closed with the models
    },
    calls: () => calls,
  };
}

/** `big` at the left and `small` at the right of one grey canvas, tops aligned. */
function sideBySide(big: RgbImage, small: RgbImage): RgbImage {
  const width = big.width + small.width;
  const height = Math.max(big.height, small.height);
  const data = new Uint8Array(width * height * 3).fill(128);
  const put = (img: RgbImage, x0: number): void => {
    for (let y = 0; y < img.height; y++) data.set(img.data.subarray(y * img.width * 3, (y + 1) * img.width * 3), (y * width + x0) * 3);
  };
  put(big, 0);
  put(small, big.width);
  return { width, height, data };
}

describe('face tracking with FaceMesh V2 (default profile)', () => {
  let models: VisionModels;
  let hopper: RgbImage;
  let smallHopper: RgbImage;

  before(async () => {
    models = await loadVisionModels({ dir: requireModels('blazeface', 'mediapipe-facemesh-v2', 'mediapipe-blendshapes', 'faceapi-expression'), intraOpNumThreads: 1 });
    const photos = await facePhotos();
    hopper = await decodeImage(photos['grace_hopper']!);
    smallHopper = await decodeImage(photos['grace_hopper']!, 256);
  });
  after(async () => models.close());

  it('runs the detector on the first frame and every N frames while the face is followed, one id throughout', { timeout: 120_000 }, async () => {
    const detector = counted(models.detector);
    const analyzer = new FrameAnalyzer({ ...models, detector: detector.runner }, { minFaceScore: 0.6, maxFaces: 8, detectEveryFrames: 4 });
    const ran: boolean[] = [];
    const ids = new Set<number>();
    for (let i = 0; i < 10; i++) {
      const r = await analyzer.analyzeDetailed(frame(shifted(hopper, 2 * i, i)));
      assert.equal(r.faces.length, 1, `frame ${i}`);
      assert.ok(r.faces[0]!.aus, `AUs on frame ${i}`);
      ran.push(r.detected);
      ids.add(r.faces[0]!.faceId);
    }
    assert.equal(detector.calls(), 3, 'frames 0, 4 and 8 only');
    assert.deepEqual(ran, [true, false, false, false, true, false, false, false, true, false]);
    assert.equal(ids.size, 1);
    analyzer.close();
  });

  it('a followed face keeps a box close to what the detector finds on the same frame', { timeout: 120_000 }, async () => {
    const analyzer = new FrameAnalyzer(models, { minFaceScore: 0.6, maxFaces: 8, detectEveryFrames: 100 });
    const detector = new BlazeFaceDetector(models.detector, { minScore: 0.6, maxFaces: 8 });
    for (let i = 0; i < 6; i++) {
      const img = shifted(hopper, 5 * i, -3 * i);
      const r = await analyzer.analyzeDetailed(frame(img));
      const [x, y, w, h] = r.faces[0]!.box;
      const followed = { x: x * img.width, y: y * img.height, width: w * img.width, height: h * img.height };
      const fresh = (await detector.detect(img))[0]!.box;
      assert.ok(iou(followed, fresh) > 0.85, `frame ${i} (detector ran: ${r.detected}): IoU ${iou(followed, fresh).toFixed(3)}`);
    }
    analyzer.close();
  });

  it('detects again on the frame a face is lost, retires its id after lostAfterFrames, and gives a returning face a new id', { timeout: 120_000 }, async () => {
    const detector = counted(models.detector);
    const analyzer = new FrameAnalyzer({ ...models, detector: detector.runner }, { minFaceScore: 0.6, maxFaces: 8, lostAfterFrames: 1, detectEveryFrames: 10 });
    const first = await analyzer.analyzeDetailed(frame(hopper));
    const id = first.faces[0]!.faceId;
    assert.equal((await analyzer.analyzeDetailed(frame(hopper))).detected, false, 'followed');
    assert.equal(detector.calls(), 1);
    const grey = frame(greyFrame(hopper.width, hopper.height));
    const gone = await analyzer.analyzeDetailed(grey);
    assert.equal(gone.detected, true, 'the mesh lost the face: the detector looks for it on that frame');
    assert.deepEqual([gone.faces, gone.lostFaceIds], [[], []], 'missed once: not reported, not yet lost');
    const lost = await analyzer.analyzeDetailed(grey);
    assert.deepEqual(lost.lostFaceIds, [id], 'lost after the second miss');
    assert.equal(detector.calls(), 3);
    const back = await analyzer.analyzeDetailed(frame(hopper));
    assert.equal(back.detected, true);
    assert.equal(back.faces.length, 1);
    assert.ok(back.faces[0]!.faceId > id, 'a returning face is a new face');
    analyzer.close();
  });

  it('keeps the largest faces when there are more than maxFaces, and publishes every face it keeps', { timeout: 120_000 }, async () => {
    const two = sideBySide(hopper, smallHopper);
    const one = new FrameAnalyzer(models, { minFaceScore: 0.6, maxFaces: 1 });
    const [only, ...rest] = await one.analyze(frame(two));
    assert.deepEqual(rest, []);
    assert.ok(only!.box[0] + only!.box[2] <= hopper.width / two.width, `the big face, at the left: box ${only!.box}`);
    one.close();
    const detector = counted(models.detector);
    const both = new FrameAnalyzer({ ...models, detector: detector.runner }, { minFaceScore: 0.6, maxFaces: 2 });
    const a = await both.analyze(frame(two));
    const b = await both.analyze(frame(two));
    assert.equal(a.length, 2);
    assert.notEqual(a[0]!.faceId, a[1]!.faceId);
    assert.deepEqual(b.map((f) => f.faceId), a.map((f) => f.faceId), 'both followed on the next frame, same ids');
    assert.equal(detector.calls(), 1, 'both faces followed without the detector');
    both.close();
  });
});
