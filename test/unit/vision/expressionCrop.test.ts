// The expression crop against face-api's own detector and full pipeline, on every real face the project can
// reach (five photo sources, as is and rolled): the thresholds are what the README reports, with margin.
// face-api runs its own JS (SSD MobileNet v1 + expression net) on tfjs' WASM backend; ours is BlazeFace
// mapped by the shipped rule, or FaceMesh V2's face oval mapped by the landmark rule, then face-api's crop
// and net in ONNX. The landmark rule is scored on faces it never saw: refitted with each photo source
// held out, and scored on that source.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FACEAPI_BOX_RULE, faceApiBoxFromBlazeFace } from '../../../src/analyzer/expression/faceApiBox.js';
import { FACE_OVAL, FACEAPI_LANDMARK_BOX_RULE, faceApiBoxForFace, faceApiBoxFromLandmarks } from '../../../src/analyzer/expression/faceApiBoxFromLandmarks.js';
import { agreement, demoFittedBox, fitFaceApiBoxRule, type Agreement } from '../../fixtures/faceApiBoxFit.js';
import { expressionBox, fitLandmarkBoxRule, meshed } from '../../fixtures/faceApiLandmarkFit.js';
import { createPairCollector, VIEWS, type FacePair, type PairCollector } from '../../fixtures/faceApiPairs.js';
import { FACE_SOURCES, faceSourceFiles } from '../../fixtures/faceSources.js';
import { requireModels } from './support.js';

const TEST_VIEWS = ['asis', 'roll+20', 'roll-20'] as const;

describe('faceApiBoxFromLandmarks on hand-made landmarks', { timeout: 10_000 }, () => {
  // 478 points at (150, 150); the face oval spread over x 100..200, y 50..250 (the rest must not matter)
  const points = (): Float32Array => {
    const p = new Float32Array(478 * 3).fill(150);
    FACE_OVAL.forEach((k, i) => {
      const t = (2 * Math.PI * i) / FACE_OVAL.length;
      p[3 * k] = 150 + 50 * Math.sin(t);
      p[3 * k + 1] = 150 - 100 * Math.cos(t);
    });
    p[3 * 1] = 1000; // the nose tip far outside: not an oval point
    return p;
  };

  it('scales and shifts the oval extent by the rule (expected values worked out by hand)', () => {
    // oval extent 100 wide, 200 tall, centred (150, 150); the rule: centre (150 + 10, 150 - 10), 100 x 240
    const b = faceApiBoxFromLandmarks(points(), { width: 1, height: 1.2, dx: 0.1, dy: -0.05 });
    for (const [k, v] of Object.entries({ x: 110, y: 20, width: 100, height: 240 })) {
      assert.ok(Math.abs(b[k as keyof typeof b] - v) < 1e-3, `${k} ${b[k as keyof typeof b]} vs ${v}`);
    }
  });

  it('with the shipped rule: narrower than the oval, taller, and higher', () => {
    const b = faceApiBoxFromLandmarks(points());
    assert.ok(b.width < 100 && b.height > 200 && b.y + b.height / 2 < 150, JSON.stringify(b));
  });

  it('takes the landmarks only where the mesh accepts the face (presence >= 0.5), else the BlazeFace rule', () => {
    const det = { box: { x: 90, y: 60, width: 120, height: 120 }, keypoints: [{ x: 125, y: 100 }, { x: 175, y: 100 }], score: 0.9 };
    assert.deepEqual(faceApiBoxForFace(det, { points: points(), score: 0.9 }), faceApiBoxFromLandmarks(points()));
    assert.deepEqual(faceApiBoxForFace(det, { points: points(), score: 0.3 }), faceApiBoxFromBlazeFace(det));
    assert.deepEqual(faceApiBoxForFace(det, undefined), faceApiBoxFromBlazeFace(det));
  });

  it('refuses landmarks that are missing or not finite', () => {
    const p = points();
    p[3 * (FACE_OVAL[5] as number) + 1] = Number.NaN;
    assert.throws(() => faceApiBoxFromLandmarks(p), /landmark \d+/);
    assert.throws(() => faceApiBoxFromLandmarks(new Float32Array(30)), /landmark \d+/);
  });
});

describe("expression crop vs face-api's own pipeline on real faces", { timeout: 900_000 }, () => {
  let collector: PairCollector;
  let pairs: FacePair[] = [];
  const bySource = (s: string): FacePair[] => pairs.filter((p) => p.source === s);
  const report = (name: string, a: Agreement): string =>
    `${name}: ${a.faces} faces, IoU ${a.iouMean.toFixed(3)}, top-1 ${(100 * a.top1).toFixed(1)} %, mean |dp| ${a.meanAbsDp.toFixed(4)}`;

  before(async () => {
    collector = await createPairCollector(requireModels('blazeface', 'faceapi-expression', 'mediapipe-facemesh-v2', 'mediapipe-blendshapes'), { mesh: true });
    const files = await faceSourceFiles();
    const images = FACE_SOURCES.flatMap((source) => files[source].flatMap((file) => TEST_VIEWS.map((v) => ({ source, file, view: VIEWS[v] as string }))));
    pairs = (await collector.collect(images)).pairs;
  });
  after(async () => collector?.close());

  it('finds faces in every source', () => {
    for (const s of FACE_SOURCES) assert.ok(bySource(s).length >= 4, `${s}: ${bySource(s).length} faces`);
  });

  it("reproduces face-api's result exactly when given face-api's own box (the crop and net are exact)", async () => {
    const a = await agreement(pairs, (p) => p.ssd, collector.expression);
    assert.ok(a.top1 >= 0.98 && a.meanAbsDp < 0.005, report('SSD box', a));
  });

  it("held out, the roll terms fitted to face-api's boxes stay close to the shipped ones (not tuned to a photo set)", () => {
    for (const held of FACE_SOURCES) {
      const r = fitFaceApiBoxRule(pairs.filter((p) => p.source !== held));
      const msg = `${held} held out: ${JSON.stringify(r)}`;
      assert.ok(Math.abs(r.widthPerRoll - FACEAPI_BOX_RULE.widthPerRoll) < 0.2, msg);
      assert.ok(Math.abs(r.heightPerRoll - FACEAPI_BOX_RULE.heightPerRoll) < 0.2, msg);
      // the shipped size lies within what face-api's SSD gives, wherever the fit is made
      assert.ok(Math.abs(r.height - FACEAPI_BOX_RULE.height) < 0.12 && Math.abs(r.width - FACEAPI_BOX_RULE.width) < 0.1, msg);
    }
  });

  for (const source of FACE_SOURCES) {
    it(`${source}: the box matches face-api's SSD box and the expression agrees with face-api`, async (t) => {
      const held = bySource(source);
      const shipped = await agreement(held, (p) => faceApiBoxFromBlazeFace(p.det), collector.expression);
      const raw = await agreement(held, (p) => p.det.box, collector.expression);
      t.diagnostic(report('shipped', shipped));
      t.diagnostic(report('BlazeFace box as is', raw));
      // human's sheets are many small faces, where the SSD box scatters most
      assert.ok(shipped.iouMean >= (source === 'human' ? 0.55 : 0.7), report('shipped', shipped));
      assert.ok(shipped.top1 >= (source === 'human' ? 0.5 : 0.6), report('shipped', shipped));
      assert.ok(shipped.iouMean > raw.iouMean, report('BlazeFace box as is', raw));
    });
  }

  it('agrees with face-api on at least 3 faces in 4 over all sources', async () => {
    const a = await agreement(pairs, (p) => faceApiBoxFromBlazeFace(p.det), collector.expression);
    assert.ok(a.top1 >= 0.75 && a.meanAbsDp < 0.08 && a.iouMean > 0.7, report('all', a));
  });

  it("beats the old rule (fitted to face-api's demo photos) on the faces it was not fitted to", async () => {
    const others = pairs.filter((p) => p.source !== 'faceapi-demo');
    const now = await agreement(others, (p) => faceApiBoxFromBlazeFace(p.det), collector.expression);
    const old = await agreement(others, demoFittedBox, collector.expression);
    assert.ok(now.iouMean > old.iouMean, `${report('now', now)} / ${report('old', old)}`);
    assert.ok(now.top1 >= old.top1 - 0.02, `${report('now', now)} / ${report('old', old)}`);
  });

  it('follows head roll: on rolled faces the roll-aware box fits better than ignoring roll', () => {
    const rolled = pairs.filter((p) => p.view === VIEWS['roll+20'] || p.view === VIEWS['roll-20']);
    const flat = { ...FACEAPI_BOX_RULE, widthPerRoll: 0, heightPerRoll: 0 };
    const iouOf = (rule: typeof flat) => {
      let sum = 0;
      for (const p of rolled) {
        const b = faceApiBoxFromBlazeFace(p.det, rule);
        const x0 = Math.max(b.x, p.ssd.x);
        const y0 = Math.max(b.y, p.ssd.y);
        const x1 = Math.min(b.x + b.width, p.ssd.x + p.ssd.width);
        const y1 = Math.min(b.y + b.height, p.ssd.y + p.ssd.height);
        const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
        sum += inter / (b.width * b.height + p.ssd.width * p.ssd.height - inter);
      }
      return sum / rolled.length;
    };
    assert.ok(rolled.length >= 20, `${rolled.length} rolled faces`);
    assert.ok(iouOf(FACEAPI_BOX_RULE) > iouOf(flat) + 0.01, `roll-aware ${iouOf(FACEAPI_BOX_RULE).toFixed(3)} vs flat ${iouOf(flat).toFixed(3)}`);
  });

  describe('from the FaceMesh V2 landmarks, held out by photo source', () => {
    /** Per source: the landmark rule fitted on the other four, and the BlazeFace rule as shipped (fitted on all five). */
    const heldOut = async (): Promise<Array<{ source: string; landmarks: Agreement; blazeFace: Agreement }>> => {
      const rows = [];
      for (const source of FACE_SOURCES) {
        const rule = fitLandmarkBoxRule(pairs.filter((p) => p.source !== source));
        const held = bySource(source);
        rows.push({
          source,
          landmarks: await agreement(held, (p) => expressionBox(p, rule), collector.expression),
          blazeFace: await agreement(held, (p) => faceApiBoxFromBlazeFace(p.det), collector.expression),
        });
      }
      return rows;
    };
    let rows: Awaited<ReturnType<typeof heldOut>> = [];
    before(async () => {
      rows = await heldOut();
    });
    const pooled = (k: 'landmarks' | 'blazeFace', m: 'iouMean' | 'top1'): number =>
      rows.reduce((s, r) => s + r[k][m] * r[k].faces, 0) / rows.reduce((s, r) => s + r[k].faces, 0);

    it('the mesh accepts nearly every face both detectors find (the others keep the BlazeFace rule)', () => {
      assert.ok(pairs.filter(meshed).length >= 0.85 * pairs.length, `${pairs.filter(meshed).length} of ${pairs.length}`);
    });

    it('fitted without a source, the coefficients stay close to the shipped ones (not tuned to a photo set)', () => {
      for (const held of FACE_SOURCES) {
        const r = fitLandmarkBoxRule(pairs.filter((p) => p.source !== held));
        const msg = `${held} held out: ${JSON.stringify(r)}`;
        assert.ok(Math.abs(r.width - FACEAPI_LANDMARK_BOX_RULE.width) < 0.05 && Math.abs(r.height - FACEAPI_LANDMARK_BOX_RULE.height) < 0.06, msg);
        assert.ok(Math.abs(r.dx - FACEAPI_LANDMARK_BOX_RULE.dx) < 0.02 && Math.abs(r.dy - FACEAPI_LANDMARK_BOX_RULE.dy) < 0.03, msg);
      }
    });

    it("on every source it never saw, the box matches face-api's box better than the BlazeFace rule fitted with it", (t) => {
      for (const r of rows) {
        t.diagnostic(`${r.source}: ${report('landmarks held out', r.landmarks)}; ${report('BlazeFace as shipped', r.blazeFace)}`);
        assert.ok(r.landmarks.iouMean > r.blazeFace.iouMean + 0.02, `${r.source}: ${report('landmarks', r.landmarks)} / ${report('BlazeFace', r.blazeFace)}`);
      }
    });

    // Measured here (as-is and rolled views, 175 faces): IoU 0.777 vs 0.740; top-1 76.0 % vs 77.7 %. Top-1
    // moves by +-3 points between neighbouring rules (README), so it is held to that band, IoU to its gain.
    it("pooled over the held-out sources: IoU >= 0.76, clearly above the BlazeFace rule's, and top-1 within noise of it", (t) => {
      const msg = `landmarks IoU ${pooled('landmarks', 'iouMean').toFixed(3)} top-1 ${pooled('landmarks', 'top1').toFixed(3)}; BlazeFace IoU ${pooled('blazeFace', 'iouMean').toFixed(3)} top-1 ${pooled('blazeFace', 'top1').toFixed(3)}`;
      t.diagnostic(msg);
      assert.ok(pooled('landmarks', 'iouMean') >= 0.76 && pooled('landmarks', 'iouMean') >= pooled('blazeFace', 'iouMean') + 0.02, msg);
      assert.ok(pooled('landmarks', 'top1') >= 0.72, msg);
      // the BlazeFace rule here was chosen on these very faces, so this comparison favours it
      assert.ok(pooled('landmarks', 'top1') >= pooled('blazeFace', 'top1') - 0.04, msg);
    });
  });
});
