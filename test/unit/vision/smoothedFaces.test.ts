// Smoothing in the live pipeline, on real frames: the published values are the filtered ones, the models'
// own values ride along as `raw`, and a face that returns after its track ended starts from its raw values.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FaceAffectSchema, type FaceAffect } from '../../../src/contracts/affect.js';
import { FrameAnalyzer } from '../../../src/analyzer/FrameAnalyzer.js';
import type { RgbImage } from '../../../src/analyzer/image/warp.js';
import { loadVisionModels, type VisionModels } from '../../../src/inference/VisionModels.js';
import { decodeImage, facePhotos, greyFrame, requireModels, shifted } from './support.js';

const values = (f: FaceAffect): number[] => [f.valence!, f.arousal!, ...Object.values(f.aus!), ...Object.values(f.expression!.probs)];
const rawValues = (f: FaceAffect): number[] => [f.raw!.valence!, f.raw!.arousal!, ...Object.values(f.raw!.aus!), ...Object.values(f.raw!.expression!)];

describe('smoothed faces from the default profile', () => {
  let models: VisionModels;
  let astronaut: RgbImage;

  before(async () => {
    models = await loadVisionModels({ dir: requireModels('blazeface', 'mediapipe-facemesh-v2', 'mediapipe-blendshapes', 'faceapi-expression'), intraOpNumThreads: 1 });
    astronaut = await decodeImage((await facePhotos())['astronaut']!);
  });
  after(async () => models.close());

  it('publishes filtered values between the last published and the new raw ones, and restarts for a returning face', { timeout: 120_000 }, async () => {
    const analyzer = new FrameAnalyzer(models, { minFaceScore: 0.6, maxFaces: 8, lostAfterFrames: 1, smoothing: { minCutoff: 1, beta: 0, dCutoff: 1 } });
    let t = 1_000_000;
    const next = async (img: RgbImage): Promise<FaceAffect[]> => analyzer.analyze({ ...img, capturedAt: (t += 100) });
    const [first] = await next(astronaut);
    assert.ok(first?.raw, 'raw values on the face');
    FaceAffectSchema.parse(first);
    assert.deepEqual(values(first), rawValues(first), 'the first frame of a face passes through');
    let prev = first;
    let filtered = 0;
    for (let i = 1; i <= 4; i++) {
      const [f] = await next(shifted(astronaut, 4 * i, 2 * i));
      assert.ok(f?.raw);
      assert.equal(f.faceId, first.faceId);
      const [out, raw, last] = [values(f), rawValues(f), values(prev)];
      out.forEach((v, k) => {
        const lo = Math.min(raw[k]!, last[k]!) - 1e-9;
        const hi = Math.max(raw[k]!, last[k]!) + 1e-9;
        assert.ok(v >= lo && v <= hi, `frame ${i}, value ${k}: ${v} outside [${lo}, ${hi}]`);
        if (Math.abs(v - raw[k]!) > 1e-6) filtered++;
      });
      prev = f;
    }
    assert.ok(filtered > 0, 'the published values lag the raw ones somewhere');
    const grey = greyFrame(astronaut.width, astronaut.height);
    await next(grey);
    await next(grey); // the track ends here (lostAfterFrames 1)
    const [back] = await next(shifted(astronaut, 16, 8));
    assert.ok(back && back.faceId > first.faceId);
    assert.deepEqual(values(back), rawValues(back), 'a new face starts unfiltered');
    analyzer.close();
  });

  it('without smoothing publishes the models\' values and no raw field', { timeout: 60_000 }, async () => {
    const analyzer = new FrameAnalyzer(models, { minFaceScore: 0.6, maxFaces: 8 });
    const [f] = await analyzer.analyze({ ...astronaut, capturedAt: Date.now() });
    assert.ok(f);
    assert.equal(f.raw, undefined);
    analyzer.close();
  });
});
