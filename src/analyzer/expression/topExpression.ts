import type { ExpressionProbs } from '../../contracts/affect.js';
import { EXPRESSIONS, type Expression } from '../../contracts/labels.js';

/** The most probable expression (the first in the paper's order on a tie). */
export function topExpression(probs: ExpressionProbs): Expression {
  let best: Expression = EXPRESSIONS[0];
  for (const e of EXPRESSIONS) if (probs[e] > probs[best]) best = e;
  return best;
}
