// circumplex-v1 against the published table it claims to use (Russell & Mehrabian 1977 pleasure/arousal
// ratings of the emotion words, as tabulated in the README; neutral at the origin per Russell 1980). The
// expected numbers are typed here from that table, not read from the code under test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExpressionProbs } from '../../../src/contracts/affect.js';
import { EXPRESSIONS } from '../../../src/contracts/labels.js';
import { circumplexVA } from '../../../src/analyzer/estimators/circumplex.js';

const PUBLISHED: Record<(typeof EXPRESSIONS)[number], [valence: number, arousal: number]> = {
  neutral: [0, 0],
  anger: [-0.51, 0.59],
  disgust: [-0.6, 0.35],
  fear: [-0.64, 0.6],
  happiness: [0.81, 0.51],
  sadness: [-0.63, -0.27],
  surprise: [0.4, 0.67],
};

const oneHot = (label: (typeof EXPRESSIONS)[number]): ExpressionProbs =>
  Object.fromEntries(EXPRESSIONS.map((e) => [e, e === label ? 1 : 0])) as ExpressionProbs;

const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

describe('circumplex-v1', () => {
  it('puts each pure expression at its published coordinates', () => {
    for (const label of EXPRESSIONS) {
      const va = circumplexVA(oneHot(label));
      const [valence, arousal] = PUBLISHED[label];
      assert.ok(close(va.valence, valence) && close(va.arousal, arousal), `${label}: ${JSON.stringify(va)} vs (${valence}, ${arousal})`);
    }
  });

  it('takes the probability-weighted mean (hand-computed) and stays in [-1, 1]', () => {
    // 0.5 neutral + 0.5 anger → half of anger's coordinates.
    const half = circumplexVA({ ...oneHot('neutral'), neutral: 0.5, anger: 0.5 });
    assert.ok(close(half.valence, -0.255) && close(half.arousal, 0.295), JSON.stringify(half));
    // 0.25 happiness + 0.75 sadness: valence 0.25·0.81 + 0.75·(−0.63) = −0.27, arousal 0.25·0.51 + 0.75·(−0.27) = −0.075.
    const mix = circumplexVA({ ...oneHot('neutral'), neutral: 0, happiness: 0.25, sadness: 0.75 });
    assert.ok(close(mix.valence, -0.27) && close(mix.arousal, -0.075), JSON.stringify(mix));
    let seed = 1;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 200; i++) {
      const r = circumplexVA(Object.fromEntries(EXPRESSIONS.map((e) => [e, rnd()])) as ExpressionProbs);
      assert.ok(Math.abs(r.valence) <= 1 && Math.abs(r.arousal) <= 1);
    }
  });
});
