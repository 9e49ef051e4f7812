import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExpressionProbs } from '../../../src/contracts/affect.js';
import { ACTION_UNITS, EXPRESSIONS, type ActionUnit } from '../../../src/contracts/labels.js';
import { LM, measureFace, MEASURES } from '../../../src/analyzer/estimators/faceGeometry.js';
import { FacemeshAuEstimator, auFromMeasures } from '../../../src/analyzer/estimators/FacemeshAuEstimator.js';
import { NeutralBaseline } from '../../../src/analyzer/estimators/NeutralBaseline.js';

const oneHot = (label: (typeof EXPRESSIONS)[number]): ExpressionProbs =>
  Object.fromEntries(EXPRESSIONS.map((e) => [e, e === label ? 1 : 0])) as ExpressionProbs;

/**
 * A synthetic 468-point neutral face (only the points the estimator reads are placed; pixels, y down):
 * eyes 60 px apart, brows 18 px above the eye corners, mouth 70 px below the eyes.
 */
function neutralFace(): Float32Array {
  const p = new Float32Array(468 * 3);
  const set = (i: number, x: number, y: number) => {
    p[3 * i] = x;
    p[3 * i + 1] = y;
  };
  set(LM.rEyeOuter, 170, 200); set(LM.rEyeInner, 190, 200); set(LM.rLidUpper, 180, 196); set(LM.rLidLower, 180, 204);
  set(LM.lEyeInner, 210, 200); set(LM.lEyeOuter, 230, 200); set(LM.lLidUpper, 220, 196); set(LM.lLidLower, 220, 204);
  set(LM.rBrowInnerUp, 192, 180); set(LM.rBrowInnerLow, 192, 184); set(LM.rBrowOuterUp, 166, 182); set(LM.rBrowOuterLow, 167, 186);
  set(LM.lBrowInnerUp, 208, 180); set(LM.lBrowInnerLow, 208, 184); set(LM.lBrowOuterUp, 234, 182); set(LM.lBrowOuterLow, 233, 186);
  set(LM.rCheek, 172, 225); set(LM.lCheek, 228, 225);
  set(LM.rMouthCorner, 182, 242); set(LM.lMouthCorner, 218, 242); set(LM.upperLipInner, 200, 241); set(LM.lowerLipInner, 200, 242);
  return p;
}

function moved(base: Float32Array, moves: Array<[index: number, dx: number, dy: number]>): Float32Array {
  const p = Float32Array.from(base);
  for (const [i, dx, dy] of moves) {
    p[3 * i] = (p[3 * i] as number) + dx;
    p[3 * i + 1] = (p[3 * i + 1] as number) + dy;
  }
  return p;
}

/** Rotates and scales every point about (0, 0), then shifts: a rolled, nearer face. */
function transformed(base: Float32Array, angle: number, scale: number, tx: number, ty: number): Float32Array {
  const p = Float32Array.from(base);
  const c = Math.cos(angle) * scale;
  const s = Math.sin(angle) * scale;
  for (let i = 0; i < 468; i++) {
    const x = base[3 * i] as number;
    const y = base[3 * i + 1] as number;
    p[3 * i] = c * x - s * y + tx;
    p[3 * i + 1] = s * x + c * y + ty;
  }
  return p;
}

const BROWS = [LM.rBrowInnerUp, LM.rBrowInnerLow, LM.rBrowOuterUp, LM.rBrowOuterLow, LM.lBrowInnerUp, LM.lBrowInnerLow, LM.lBrowOuterUp, LM.lBrowOuterLow];
const neutralAus = (m: Float32Array) => auFromMeasures(measureFace(m)!, measureFace(neutralFace())!);
const others = (aus: Record<ActionUnit, number>, except: ActionUnit[]) => ACTION_UNITS.filter((a) => !except.includes(a)).map((a) => [a, aus[a]] as const);

describe('facemesh-geometry-v1 measures', () => {
  it('measures in inter-ocular units, unchanged by head roll, scale and position', () => {
    const a = measureFace(neutralFace())!;
    assert.ok(Math.abs(a.browInner - 18 / 40) < 1e-6, 'inner brow 18 px above the eye corner, IOD 40 px');
    const b = measureFace(transformed(neutralFace(), 0.4, 1.7, 35, -20))!;
    for (const k of MEASURES) assert.ok(Math.abs(a[k] - b[k]) < 1e-5, `${k}: ${a[k]} vs ${b[k]}`);
  });

  it('raised brows raise AU1 and AU2 only', () => {
    const neutral = neutralAus(neutralFace());
    for (const au of ACTION_UNITS) assert.ok(neutral[au] < 0.1, `${au} is low at the neutral (${neutral[au]})`);
    const aus = neutralAus(moved(neutralFace(), BROWS.map((i) => [i, 0, -4] as [number, number, number])));
    assert.ok(aus.AU1 > 0.9 && aus.AU2 > 0.9, `AU1 ${aus.AU1} AU2 ${aus.AU2}`);
    for (const [au, v] of others(aus, ['AU1', 'AU2'])) assert.ok(v < 0.1, `${au} stays low (${v})`);
  });

  it('inner brows only: AU1 without AU2', () => {
    const aus = neutralAus(moved(neutralFace(), [[LM.rBrowInnerUp, 0, -3], [LM.rBrowInnerLow, 0, -3], [LM.lBrowInnerUp, 0, -3], [LM.lBrowInnerLow, 0, -3]]));
    assert.ok(aus.AU1 > 0.8 && aus.AU2 < 0.1, `AU1 ${aus.AU1} AU2 ${aus.AU2}`);
  });

  it('lowered, drawn-together brows raise AU4', () => {
    const aus = neutralAus(moved(neutralFace(), [
      [LM.rBrowInnerUp, 2, 2], [LM.rBrowInnerLow, 2, 2], [LM.lBrowInnerUp, -2, 2], [LM.lBrowInnerLow, -2, 2],
    ]));
    assert.ok(aus.AU4 > 0.9, `AU4 ${aus.AU4}`);
    assert.ok(aus.AU1 < 0.05 && aus.AU12 < 0.1);
  });

  it('a smile (corners up and out, cheeks up, eyes narrowed) raises AU12 and AU6, not AU15', () => {
    const aus = neutralAus(moved(neutralFace(), [
      [LM.rMouthCorner, -3, -4], [LM.lMouthCorner, 3, -4],
      [LM.rCheek, 0, -3], [LM.lCheek, 0, -3],
      [LM.rLidLower, 0, -2], [LM.lLidLower, 0, -2],
    ]));
    assert.ok(aus.AU12 > 0.9 && aus.AU6 > 0.9, `AU12 ${aus.AU12} AU6 ${aus.AU6}`);
    assert.ok(aus.AU15 < 0.01 && aus.AU20 < 0.1, `AU15 ${aus.AU15} AU20 ${aus.AU20}`);
  });

  it('a blink alone does not count as AU6', () => {
    const aus = neutralAus(moved(neutralFace(), [[LM.rLidUpper, 0, 4], [LM.lLidUpper, 0, 4]]));
    assert.ok(aus.AU6 < 0.1, `AU6 ${aus.AU6}`);
  });

  it('corners down raise AU15; corners out raise AU20; parted lips raise AU25', () => {
    const down = neutralAus(moved(neutralFace(), [[LM.rMouthCorner, 0, 3], [LM.lMouthCorner, 0, 3]]));
    assert.ok(down.AU15 > 0.9 && down.AU12 < 0.01, `AU15 ${down.AU15}`);
    const wide = neutralAus(moved(neutralFace(), [[LM.rMouthCorner, -3, 0], [LM.lMouthCorner, 3, 0]]));
    assert.ok(wide.AU20 > 0.9, `AU20 ${wide.AU20}`);
    const open = neutralAus(moved(neutralFace(), [[LM.lowerLipInner, 0, 3]]));
    assert.ok(open.AU25 > 0.9, `AU25 ${open.AU25}`);
    for (const [au, v] of others(open, ['AU25'])) assert.ok(v < 0.1, `${au} stays low (${v})`);
  });
});

describe('facemesh-geometry-v1 calibration', () => {
  const mesh = (points: Float32Array, score = 1) => ({ points, score });

  it('returns null until the face has been seen neutral warmupSamples times, then measures against it', () => {
    const est = new FacemeshAuEstimator({ warmupSamples: 5 });
    const happyFace = { ...oneHot('happiness') };
    // this person's neutral has the brows higher than the synthetic template: calibration must absorb it
    const ownNeutral = moved(neutralFace(), BROWS.map((i) => [i, 0, -3] as [number, number, number]));
    assert.equal(est.estimate(1, mesh(ownNeutral), happyFace), null, 'not neutral: no sample, no output');
    for (let i = 0; i < 4; i++) assert.equal(est.estimate(1, mesh(ownNeutral), oneHot('neutral')), null, `warm-up ${i + 1}`);
    const aus = est.estimate(1, mesh(ownNeutral), oneHot('neutral'));
    assert.ok(aus !== null);
    for (const au of ACTION_UNITS) assert.ok(aus[au] < 0.1, `${au} low at the own neutral`);
    const raised = est.estimate(1, mesh(moved(ownNeutral, BROWS.map((i) => [i, 0, -4] as [number, number, number]))), oneHot('surprise'));
    assert.ok(raised!.AU1 > 0.9 && raised!.AU2 > 0.9);
  });

  it('keeps state per face, ignores unreliable meshes and forgets lost faces', () => {
    const est = new FacemeshAuEstimator({ warmupSamples: 2 });
    for (let i = 0; i < 2; i++) est.estimate(1, mesh(neutralFace()), oneHot('neutral'));
    assert.notEqual(est.estimate(1, mesh(neutralFace()), oneHot('neutral')), null);
    assert.equal(est.estimate(2, mesh(neutralFace()), oneHot('neutral')), null, 'face 2 has its own warm-up');
    assert.equal(est.estimate(1, mesh(neutralFace(), 0.1), oneHot('neutral')), null, 'low mesh score');
    est.forget(1);
    assert.equal(est.estimate(1, mesh(neutralFace()), oneHot('neutral')), null, 'forgotten: warm-up again');
  });

  it('uses a robust running median over the most recent neutral samples', () => {
    const b = new NeutralBaseline(3);
    const m = (v: number) => Object.fromEntries(MEASURES.map((k) => [k, v])) as Record<(typeof MEASURES)[number], number>;
    b.add(m(1));
    b.add(m(100)); // outlier
    b.add(m(2));
    assert.equal(b.median()!.browInner, 2);
    b.add(m(3)); // window of 3: the 1 drops out -> {100, 2, 3}
    assert.equal(b.median()!.lipGap, 3);
    assert.equal(b.count, 3);
  });
});
