// The provenance forms of the AffectEvent contract, and a face whose expression is withheld.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaceAffectSchema } from '../../../src/contracts/affect.js';
import { provenanceKind, untrainedModelProvenance } from '../../../src/contracts/provenance.js';

const face = (provenance: Record<string, string>, expression: unknown = null) => ({
  faceId: 1, box: [0.1, 0.1, 0.2, 0.2], score: 0.9, valence: null, arousal: null, aus: null, expression, provenance,
});

test('provenance has four forms; an untrained model is named as such and nothing else may be marked untrained', () => {
  assert.equal(untrainedModelProvenance('avmt', 'v1'), 'untrained:model:avmt@v1');
  assert.equal(provenanceKind('untrained:model:avmt@v1'), 'untrained');
  assert.equal(provenanceKind('model:avmt@v1'), 'model');
  assert.equal(provenanceKind('estimator:circumplex-v1'), 'estimator');
  assert.equal(provenanceKind('unavailable'), 'unavailable');
  assert.throws(() => provenanceKind('untrained:estimator:x'), /unknown provenance/);
  const ok = (p: string) => FaceAffectSchema.safeParse(face({ va: p, au: 'unavailable', expression: 'unavailable' })).success;
  assert.equal(ok('untrained:model:avmt@v1'), true);
  assert.equal(ok('untrained:estimator:circumplex-v1'), false);
  assert.equal(ok('untrained:'), false);
});

test('a withheld expression is null, not a made-up distribution', () => {
  assert.equal(FaceAffectSchema.safeParse(face({ va: 'unavailable', au: 'unavailable', expression: 'unavailable' })).success, true);
  const probs = { neutral: 1, anger: 0, disgust: 0, fear: 0, happiness: 0, sadness: 0, surprise: 0 };
  assert.equal(FaceAffectSchema.safeParse(face({ va: 'unavailable', au: 'unavailable', expression: 'model:x@1' }, { label: 'neutral', probs })).success, true);
  const { expression: _omitted, ...absent } = face({ va: 'unavailable', au: 'unavailable', expression: 'unavailable' });
  assert.equal(FaceAffectSchema.safeParse(absent).success, false, 'absent is not null');
});
