// au-map-v1 on hand-made blendshape vectors: expectations computed by hand from the documented formulas.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AU_FORMULAS, AU_MAPPING_VERSION, ausFromBlendshapes, namedBlendshapes } from '../../../src/analyzer/blendshapes/auMapping.js';
import { ACTION_UNITS, BLENDSHAPES, type Blendshape } from '../../../src/contracts/labels.js';
import { mappedModelProvenance } from '../../../src/contracts/provenance.js';
import { FaceAffectSchema } from '../../../src/contracts/affect.js';

const vector = (values: Partial<Record<Blendshape, number>>): Float32Array =>
  Float32Array.from(BLENDSHAPES.map((name) => values[name] ?? 0));

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: ${actual} ≠ ${expected}`);

describe('au-map-v1', () => {
  it('all-zero blendshapes give all-zero AUs', () => {
    const aus = ausFromBlendshapes(vector({}));
    for (const au of ACTION_UNITS) assert.equal(aus[au], 0, au);
  });

  it('each AU reads its documented counterpart, the two sides averaged', () => {
    const aus = ausFromBlendshapes(
      vector({
        browInnerUp: 0.7,
        browOuterUpLeft: 0.2,
        browOuterUpRight: 0.6, // AU2 = 0.4
        browDownLeft: 0.9,
        browDownRight: 0.1, // AU4 = 0.5
        cheekSquintLeft: 0.3,
        cheekSquintRight: 0.5, // AU6 = 0.4
        mouthSmileLeft: 0.8,
        mouthSmileRight: 1.0, // AU12 = 0.9
        mouthFrownLeft: 0.1,
        mouthFrownRight: 0.3, // AU15 = 0.2
        mouthStretchLeft: 0.0,
        mouthStretchRight: 0.5, // AU20 = 0.25
      }),
    );
    close(aus.AU1, 0.7, 'AU1');
    close(aus.AU2, 0.4, 'AU2');
    close(aus.AU4, 0.5, 'AU4');
    close(aus.AU6, 0.4, 'AU6');
    close(aus.AU12, 0.9, 'AU12');
    close(aus.AU15, 0.2, 'AU15');
    close(aus.AU20, 0.25, 'AU20');
    close(aus.AU25, 0, 'AU25');
  });

  it('AU25: lips part with the jaw unless mouthClose holds them, or when a lip moves on its own', () => {
    close(ausFromBlendshapes(vector({ jawOpen: 0.6 })).AU25, 0.6, 'jaw open');
    close(ausFromBlendshapes(vector({ jawOpen: 0.6, mouthClose: 0.5 })).AU25, 0.1, 'jaw open, lips held together');
    close(ausFromBlendshapes(vector({ jawOpen: 0.2, mouthClose: 0.5 })).AU25, 0, 'clipped at 0');
    close(ausFromBlendshapes(vector({ mouthLowerDownLeft: 0.4, mouthLowerDownRight: 0.2 })).AU25, 0.3, 'lower lip down');
    close(ausFromBlendshapes(vector({ mouthUpperUpLeft: 0.5, mouthUpperUpRight: 0.7, jawOpen: 0.1 })).AU25, 0.6, 'upper lip up (largest term)');
  });

  it('out-of-range inputs are clipped into [0, 1]; a wrong length or NaN is an error', () => {
    const aus = ausFromBlendshapes(vector({ browInnerUp: 1.2, mouthSmileLeft: -0.5, mouthSmileRight: 0.5 }));
    assert.equal(aus.AU1, 1);
    close(aus.AU12, 0.25, 'AU12 with a negative side clipped to 0');
    assert.throws(() => ausFromBlendshapes(new Float32Array(51)), /52 blendshape scores/);
    assert.throws(() => ausFromBlendshapes(vector({ jawOpen: Number.NaN })), /jawOpen/);
  });

  it('has a formula for every AU, a version in the provenance, and named blendshapes that fit the schema', () => {
    assert.deepEqual(Object.keys(AU_FORMULAS).sort(), [...ACTION_UNITS].sort());
    const provenance = mappedModelProvenance('mediapipe-blendshapes', 'float16-1+conv.2', AU_MAPPING_VERSION);
    assert.equal(provenance, 'model:mediapipe-blendshapes@float16-1+conv.2+au-map-v1');
    const named = namedBlendshapes(vector({ jawOpen: 0.25 }));
    assert.equal(Object.keys(named).length, 52);
    assert.equal(named.jawOpen, 0.25);
    const face = {
      faceId: 1,
      box: [0.1, 0.1, 0.2, 0.2],
      score: 0.9,
      valence: null,
      arousal: null,
      aus: ausFromBlendshapes(vector({})),
      expression: { label: 'neutral', probs: { neutral: 1, anger: 0, disgust: 0, fear: 0, happiness: 0, sadness: 0, surprise: 0 } },
      blendshapes: named,
      provenance: { va: 'unavailable', au: provenance, expression: 'unavailable' },
    };
    assert.ok(FaceAffectSchema.safeParse(face).success);
    assert.ok(!FaceAffectSchema.safeParse({ ...face, blendshapes: { ...named, jawOpen: 2 } }).success);
  });
});
