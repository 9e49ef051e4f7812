// Estimator 'circumplex-v1': valence and arousal as the expectation of fixed per-expression coordinates
// under the expression net's probabilities. A documented heuristic, not a trained regressor: it can only
// say "how pleasant/activated the recognised category mix usually is", never more than the classifier.
//
// Coordinates: pleasure (-> valence) and arousal ratings of the emotion terms happy, angry, disgusted,
// afraid, sad and surprised from Russell & Mehrabian (1977), "Evidence for a three-factor theory of
// emotions", Journal of Research in Personality 11:273-294, on its -1..+1 scale, as widely tabulated
// (e.g. Gebhard 2005, ALMA, for anger/fear/disgust). Neutral is the circumplex origin (Russell 1980,
// "A circumplex model of affect", J. Pers. Soc. Psychol. 39:1161-1178). Check against the paper
// before citing these figures as measurements.
import type { ExpressionProbs } from '../../contracts/affect.js';
import { EXPRESSIONS, type Expression } from '../../contracts/labels.js';

export const CIRCUMPLEX_V1 = 'circumplex-v1';

export const CIRCUMPLEX_COORDINATES: Readonly<Record<Expression, Readonly<{ valence: number; arousal: number }>>> = {
  neutral: { valence: 0, arousal: 0 },
  anger: { valence: -0.51, arousal: 0.59 },
  disgust: { valence: -0.6, arousal: 0.35 },
  fear: { valence: -0.64, arousal: 0.6 },
  happiness: { valence: 0.81, arousal: 0.51 },
  sadness: { valence: -0.63, arousal: -0.27 },
  surprise: { valence: 0.4, arousal: 0.67 },
};

/** Expected (valence, arousal) under `probs` (renormalised to sum 1), each in [-1, 1]. */
export function circumplexVA(probs: ExpressionProbs): { valence: number; arousal: number } {
  let total = 0;
  let v = 0;
  let a = 0;
  for (const e of EXPRESSIONS) {
    const p = Math.max(0, probs[e]);
    total += p;
    v += p * CIRCUMPLEX_COORDINATES[e].valence;
    a += p * CIRCUMPLEX_COORDINATES[e].arousal;
  }
  if (!(total > 0)) return { valence: 0, arousal: 0 };
  return { valence: clampSigned(v / total), arousal: clampSigned(a / total) };
}

function clampSigned(x: number): number {
  return x < -1 ? -1 : x > 1 ? 1 : x;
}
