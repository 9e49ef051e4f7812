import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FaceAffectSchema } from '../../../src/contracts/affect.js';
import { FrameAnalyzer } from '../../../src/analyzer/FrameAnalyzer.js';
import type { VideoFrame } from '../../../src/analyzer/media/frames.js';
import type { RgbImage } from '../../../src/analyzer/image/warp.js';
import { loadVisionModels, type VisionModels } from '../../../src/inference/VisionModels.js';
import { decodeImage, facePhotos, greyFrame, requireModels, shifted } from './support.js';

const frame = (img: RgbImage, capturedAt = Date.now()): VideoFrame => ({ ...img, capturedAt });

describe('FrameAnalyzer on real photos', () => {
  let models: VisionModels;
  let astronaut: RgbImage;
  let hopper: RgbImage;

  before(async () => {
    models = await loadVisionModels({ dir: requireModels('blazeface', 'mediapipe-facemesh-v2', 'mediapipe-blendshapes', 'faceapi-expression'), intraOpNumThreads: 1 });
    const photos = await facePhotos();
    astronaut = await decodeImage(photos['astronaut']!);
    hopper = await decodeImage(photos['grace_hopper']!);
  });
  after(async () => models.close());

  it('reports one schema-valid face for the astronaut: happiness, pleasant, named provenance', async () => {
    const analyzer = new FrameAnalyzer(models, { minFaceScore: 0.6, maxFaces: 8 });
    const faces = await analyzer.analyze(frame(astronaut));
    assert.equal(faces.length, 1);
    const f = FaceAffectSchema.parse(faces[0]);
    assert.equal(f.expression?.label, 'happiness');
    assert.ok((f.expression?.probs.happiness ?? 0) > 0.5);
    assert.ok(f.valence !== null && f.valence > 0.3, `valence ${f.valence}`);
    assert.deepEqual(f.provenance, {
      expression: `model:faceapi-expression@${models.expression.manifest.version}`,
      va: 'estimator:circumplex-v1',
      au: `model:mediapipe-blendshapes@${models.blendshapes?.manifest.version}+au-map-v1`,
    });
    assert.ok(f.aus, 'AUs from the first frame');
    assert.ok(f.aus.AU12 > 0.5, `a smile: AU12 ${f.aus.AU12}`);
    assert.equal(f.blendshapes, undefined, 'raw blendshapes are off by default');
    const [x, y, w, h] = f.box;
    assert.ok(x > 0.2 && x + w < 0.8 && y > 0.05 && y + h < 0.5 && w > 0.1, `box ${f.box}`);
    analyzer.close();
  });

  it('attaches the 52 blendshape scores when asked, the AUs computed from them', async () => {
    const analyzer = new FrameAnalyzer(models, { minFaceScore: 0.6, maxFaces: 8, blendshapes: true });
    const [f] = await analyzer.analyze(frame(astronaut));
    const b = FaceAffectSchema.parse(f).blendshapes;
    assert.ok(b && f?.aus);
    assert.equal(Object.keys(b).length, 52);
    assert.ok(Math.abs(f.aus.AU12 - (b.mouthSmileLeft + b.mouthSmileRight) / 2) < 1e-6);
    analyzer.close();
  });

  it('keeps the face id across slightly shifted frames, reports AUs on every frame, loses it on empty frames', async () => {
    const analyzer = new FrameAnalyzer(models, { minFaceScore: 0.6, maxFaces: 8, lostAfterFrames: 2 });
    const lostEvents: number[][] = [];
    analyzer.on('faceslost', (ids) => lostEvents.push(ids));
    const ids = new Set<number>();
    let last = null;
    for (let i = 0; i < 8; i++) {
      const r = await analyzer.analyzeDetailed(frame(shifted(hopper, 3 * i, -2 * i)));
      assert.equal(r.faces.length, 1, `frame ${i}`);
      assert.equal(r.faces[0]!.expression?.label, 'neutral');
      ids.add(r.faces[0]!.faceId);
      last = r.faces[0]!;
      // the detector runs on the first frame only: the face is followed by its landmarks after that
      assert.equal(r.detected, i === 0, `detector ran on frame ${i}`);
      assert.ok(i === 0 ? r.timings.detect > 0 : r.timings.detect === 0);
      assert.ok(r.timings.mesh > 0 && r.timings.total >= r.timings.detect + r.timings.mesh);
      assert.ok(r.faces[0]!.aus, `AUs on frame ${i}`);
    }
    assert.equal(ids.size, 1, 'one id for the whole sequence');
    // a neutral face: no smile, lips together
    assert.ok(last?.aus);
    for (const au of ['AU12', 'AU25'] as const) assert.ok(last.aus[au] < 0.3, `${au} = ${last.aus[au]}`);
    const [id] = ids;
    const grey = frame(greyFrame(hopper.width, hopper.height));
    assert.deepEqual((await analyzer.analyzeDetailed(grey)).faces, [], 'no face in a grey frame');
    assert.deepEqual((await analyzer.analyzeDetailed(grey)).lostFaceIds, []);
    assert.deepEqual((await analyzer.analyzeDetailed(grey)).lostFaceIds, [id], 'lost after lostAfterFrames misses');
    assert.deepEqual(lostEvents, [[id]]);
    const back = await analyzer.analyze(frame(hopper));
    assert.ok(back[0]!.faceId > id!, 'a returning face gets a new id');
    assert.ok(back[0]!.aus, 'and AUs at once');
    analyzer.close();
  });

  it('close() is idempotent, reports tracked faces as lost once, and refuses further frames', async () => {
    const analyzer = new FrameAnalyzer(models, { minFaceScore: 0.6, maxFaces: 8 });
    const events: string[] = [];
    analyzer.on('faceslost', (ids) => events.push(`lost:${ids.join(',')}`));
    analyzer.on('close', () => events.push('close'));
    analyzer.on('close', () => {
      throw new Error('a buggy listener');
    });
    const [f] = await analyzer.analyze(frame(astronaut));
    const queued = analyzer.analyze(frame(astronaut)); // in flight when close() comes
    analyzer.close();
    analyzer.close();
    await assert.rejects(queued, /closed/);
    assert.deepEqual(events, [`lost:${f!.faceId}`, 'close']);
    assert.equal(analyzer.closed, true);
    await assert.rejects(analyzer.analyze(frame(astronaut)), /closed/);
    // the shared models are still usable by other streams
    const other = new FrameAnalyzer(models, { minFaceScore: 0.6, maxFaces: 8 });
    assert.equal((await other.analyze(frame(astronaut))).length, 1);
    other.close();
  });

  it('processes concurrent analyze() calls in order', async () => {
    const analyzer = new FrameAnalyzer(models, { minFaceScore: 0.6, maxFaces: 8 });
    const results = await Promise.all([0, 1, 2, 3].map((i) => analyzer.analyze(frame(shifted(astronaut, 2 * i, 0)))));
    const ids = results.map((r) => r[0]!.faceId);
    assert.deepEqual(ids, [ids[0], ids[0], ids[0], ids[0]]);
    // boxes move right with the shift, frame after frame
    const xs = results.map((r) => r[0]!.box[0]);
    assert.ok(xs.every((x, i) => i === 0 || x > xs[i - 1]!), `x ${xs}`);
    analyzer.close();
  });
});
