import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExpressionProbs } from '../../../src/contracts/affect.js';
import { EXPRESSIONS } from '../../../src/contracts/labels.js';
import { CIRCUMPLEX_COORDINATES, circumplexVA } from '../../../src/analyzer/estimators/circumplex.js';

const oneHot = (label: (typeof EXPRESSIONS)[number]): ExpressionProbs =>
  Object.fromEntries(EXPRESSIONS.map((e) => [e, e === label ? 1 : 0])) as ExpressionProbs;

describe('circumplex-v1', () => {
  it('puts neutral at the origin and a pure expression at its table coordinates', () => {
    assert.deepEqual(circumplexVA(oneHot('neutral')), { valence: 0, arousal: 0 });
    assert.deepEqual(circumplexVA(oneHot('happiness')), CIRCUMPLEX_COORDINATES.happiness);
    assert.deepEqual(circumplexVA(oneHot('sadness')), CIRCUMPLEX_COORDINATES.sadness);
  });

  it('takes the probability-weighted mean and stays in [-1, 1]', () => {
    const p = { ...oneHot('neutral'), neutral: 0.5, anger: 0.5 };
    const va = circumplexVA(p);
    assert.ok(Math.abs(va.valence - CIRCUMPLEX_COORDINATES.anger.valence / 2) < 1e-12);
    assert.ok(Math.abs(va.arousal - CIRCUMPLEX_COORDINATES.anger.arousal / 2) < 1e-12);
    let seed = 1;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 200; i++) {
      const r = circumplexVA(Object.fromEntries(EXPRESSIONS.map((e) => [e, rnd()])) as ExpressionProbs);
      assert.ok(Math.abs(r.valence) <= 1 && Math.abs(r.arousal) <= 1);
    }
    // sign sanity of the table: pleasant/unpleasant and activated/deactivated where the literature agrees
    assert.ok(CIRCUMPLEX_COORDINATES.happiness.valence > 0 && CIRCUMPLEX_COORDINATES.sadness.valence < 0);
    assert.ok(CIRCUMPLEX_COORDINATES.fear.arousal > 0 && CIRCUMPLEX_COORDINATES.sadness.arousal < 0);
  });
});
