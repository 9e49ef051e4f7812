import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FaceAffectSchema } from '../../../src/contracts/affect.js';
import { ACTION_UNITS } from '../../../src/contracts/labels.js';
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
    models = await loadVisionModels({ dir: requireModels('blazeface', 'facemesh', 'faceapi-expression'), intraOpNumThreads: 1 });
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
      au: 'estimator:facemesh-geometry-v1',
    });
    assert.equal(f.aus, null, 'no neutral baseline yet: AUs are withheld, not invented');
    const [x, y, w, h] = f.box;
    assert.ok(x > 0.2 && x + w < 0.8 && y > 0.05 && y + h < 0.5 && w > 0.1, `box ${f.box}`);
    analyzer.close();
  });

  it('keeps the face id across slightly shifted frames, calibrates AUs on a neutral face, loses it on empty frames', async () => {
    const analyzer = new FrameAnalyzer(models, { minFaceScore: 0.6, maxFaces: 8, lostAfterFrames: 2, au: { warmupSamples: 5 } });
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
      assert.ok(r.timings.detect > 0 && r.timings.total >= r.timings.detect);
    }
    assert.equal(ids.size, 1, 'one id for the whole sequence');
    assert.ok(last?.aus, 'AUs after the warm-up on a neutral face');
    // the same neutral face measured against its own baseline: no AU is active
    for (const au of ACTION_UNITS) assert.ok(last.aus[au] < 0.5, `${au} = ${last.aus[au]}`);
    const [id] = ids;
    const grey = frame(greyFrame(hopper.width, hopper.height));
    assert.deepEqual((await analyzer.analyzeDetailed(grey)).faces, [], 'no face in a grey frame');
    assert.deepEqual((await analyzer.analyzeDetailed(grey)).lostFaceIds, []);
    assert.deepEqual((await analyzer.analyzeDetailed(grey)).lostFaceIds, [id], 'lost after lostAfterFrames misses');
    assert.deepEqual(lostEvents, [[id]]);
    const back = await analyzer.analyze(frame(hopper));
    assert.ok(back[0]!.faceId > id!, 'a returning face gets a new id');
    assert.equal(back[0]!.aus, null, 'and a fresh baseline');
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
