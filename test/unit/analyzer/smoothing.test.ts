// The One-Euro filter against values worked out by hand from the paper's formulas (Casiez et al., CHI 2012),
// and the per-face smoother built on it: raw values kept, filters reset when a face's track ends.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaceAffectSchema, type FaceAffect } from '../../../src/contracts/affect.js';
import { OneEuroFilter } from '../../../src/analyzer/smoothing/OneEuroFilter.js';
import { FaceSmoother } from '../../../src/analyzer/smoothing/FaceSmoother.js';

const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual}, expected ${expected}`);

// alpha(fc, dt) = 1 / (1 + tau / dt), tau = 1 / (2 pi fc). At fc = 1 Hz, dt = 0.1 s:
// tau = 0.15915494309189535, alpha = 1 / (1 + 1.5915494309189535) = 0.3858695450950375
const ALPHA_1HZ_100MS = 0.3858695450950375;

describe('OneEuroFilter', () => {
  it('with beta 0 is a first-order low-pass at minCutoff: a step from 0 to 1 at 10 Hz', { timeout: 5_000 }, () => {
    const f = new OneEuroFilter({ minCutoff: 1, beta: 0, dCutoff: 1 });
    close(f.filter(0, 0), 0, 'the first sample passes through');
    // x1 = a * 1 + (1 - a) * 0
    close(f.filter(1, 0.1), ALPHA_1HZ_100MS, 'x1');
    // x2 = a * 1 + (1 - a) * a = 0.3858695450950375 + 0.6141304549049625 * 0.3858695450950375
    close(f.filter(1, 0.2), 0.6228437843582239, 'x2');
  });

  it('with beta > 0 opens its cutoff with the speed of the change', { timeout: 5_000 }, () => {
    const f = new OneEuroFilter({ minCutoff: 1, beta: 0.5, dCutoff: 1 });
    f.filter(0, 0);
    // dx1 = ad * (1 - 0) / 0.1 (ad = alpha at dCutoff 1 Hz) = 3.8586954509503752
    // fc1 = 1 + 0.5 * 3.8586954509503752 = 2.9293477254751874
    // a1  = 1 / (1 + 1 / (2 pi 2.9293477254751874 * 0.1)) = 0.6479571695923358; x1 = a1
    close(f.filter(1, 0.1), 0.6479571695923358, 'x1');
    // dx2 = ad * (1 - x1) / 0.1 + (1 - ad) * dx1 = 3.728168460865611; fc2 = 2.8640842304328054
    // a2  = 0.6428006537601868; x2 = a2 * 1 + (1 - a2) * x1
    close(f.filter(1, 0.2), 0.8742505311299689, 'x2');
  });

  it('reset() forgets the history: the next sample passes through', { timeout: 5_000 }, () => {
    const f = new OneEuroFilter({ minCutoff: 1, beta: 0.5, dCutoff: 1 });
    f.filter(0, 0);
    f.filter(1, 0.1);
    f.reset();
    close(f.filter(0.25, 0.2), 0.25, 'after reset');
    // and the speed estimate restarted at 0: the step below is the first case's step again, from 0.25
    close(f.filter(1.25, 0.3), 0.25 + 0.6479571695923358, 'first step after reset');
  });
});

const face = (faceId: number, v: number): FaceAffect => ({
  faceId,
  box: [0.1, 0.1, 0.3, 0.3],
  score: 0.9,
  valence: v,
  arousal: -v,
  aus: { AU1: v, AU2: v, AU4: v, AU6: v, AU12: v, AU15: v, AU20: v, AU25: v },
  expression: {
    label: 'happiness',
    probs: { neutral: 1 - v, anger: 0, disgust: 0, fear: 0, happiness: v, sadness: 0, surprise: 0 },
  },
  provenance: { va: 'estimator:circumplex-v1', au: 'unavailable', expression: 'model:faceapi-expression@1' },
});

describe('FaceSmoother', () => {
  it('filters every value per face, keeps the raw ones, and starts afresh for a face whose track ended', { timeout: 5_000 }, () => {
    const s = new FaceSmoother({ minCutoff: 1, beta: 0, dCutoff: 1 });
    s.smooth(face(1, 0), 0);
    s.smooth(face(2, 1), 0);
    const a = FaceAffectSchema.parse(s.smooth(face(1, 1), 0.1));
    close(a.valence!, ALPHA_1HZ_100MS, 'valence');
    close(a.arousal!, -ALPHA_1HZ_100MS, 'arousal');
    close(a.aus!.AU12, ALPHA_1HZ_100MS, 'AU12');
    close(a.expression!.probs.happiness, ALPHA_1HZ_100MS, 'happiness');
    close(a.expression!.probs.neutral, 1 - ALPHA_1HZ_100MS, 'neutral');
    assert.equal(a.expression!.label, 'neutral', 'the label follows the smoothed probabilities');
    assert.deepEqual(a.raw, { valence: 1, arousal: -1, aus: face(1, 1).aus, expression: face(1, 1).expression!.probs });
    assert.deepEqual(a.box, face(1, 1).box, 'geometry is not smoothed');
    // face 2 has its own filters: unchanged input, unchanged output
    close(s.smooth(face(2, 1), 0.1).valence!, 1, 'face 2');
    s.forget([1]);
    close(s.smooth(face(1, 0.5), 0.2).valence!, 0.5, 'a forgotten face passes through');
  });

  it('keeps null values null', { timeout: 5_000 }, () => {
    const s = new FaceSmoother({ minCutoff: 1, beta: 0, dCutoff: 1 });
    const out = s.smooth({ ...face(1, 0.5), valence: null, arousal: null, aus: null, expression: null }, 0);
    assert.deepEqual([out.valence, out.arousal, out.aus, out.expression], [null, null, null, null]);
    assert.deepEqual(out.raw, { valence: null, arousal: null, aus: null, expression: null });
  });
});
