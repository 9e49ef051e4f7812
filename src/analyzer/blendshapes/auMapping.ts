// au-map-v1: the paper's 8 action units from MediaPipe's 52 blendshape scores. Blendshapes are ARKit-style
// animation coefficients, not FACS codes: each AU takes its closest blendshape counterpart, the two sides
// averaged (an AU is scored for the face, and averaging keeps a one-sided movement at half strength instead
// of hiding it or doubling it). These are proxies: published fits of blendshapes to coded AUs are good for
// AU6 and AU12, useful for AU4 and AU25, weak for AU15 and AU20 — the README says so beside the values.
// With MediaPipe's V2 net AU6 is inert (cheekSquint stays below 1e-4 on every real face tried) and no other
// channel carries it honestly: eyeSquint does not separate smiles from other faces (README, the AU table).
// Change the formulas only together with AU_MAPPING_VERSION: the version is part of every AU's provenance.
import type { ActionUnitProbs } from '../../contracts/affect.js';
import { BLENDSHAPE_NAMES, type BlendshapeName } from './blendshapeNames.js';

export const AU_MAPPING_VERSION = 'au-map-v1';

const INDEX = new Map<string, number>(BLENDSHAPE_NAMES.map((n, i) => [n, i]));

/** Read one named score from the 52-vector (model output order). */
function score(scores: ArrayLike<number>, name: BlendshapeName): number {
  const v = scores[INDEX.get(name) ?? -1];
  if (v === undefined || !Number.isFinite(v)) throw new Error(`blendshape ${name} missing or not finite`);
  return Math.min(1, Math.max(0, v));
}

const both = (s: ArrayLike<number>, left: BlendshapeName, right: BlendshapeName): number => (score(s, left) + score(s, right)) / 2;

/** The formulas, also printed in the README table. */
export const AU_FORMULAS: Readonly<Record<keyof ActionUnitProbs, string>> = {
  AU1: 'browInnerUp',
  AU2: 'mean(browOuterUpLeft, browOuterUpRight)',
  AU4: 'mean(browDownLeft, browDownRight)',
  AU6: 'mean(cheekSquintLeft, cheekSquintRight)',
  AU12: 'mean(mouthSmileLeft, mouthSmileRight)',
  AU15: 'mean(mouthFrownLeft, mouthFrownRight)',
  AU20: 'mean(mouthStretchLeft, mouthStretchRight)',
  AU25: 'max(jawOpen − mouthClose, mean(mouthLowerDownLeft, mouthLowerDownRight), mean(mouthUpperUpLeft, mouthUpperUpRight)), clipped to [0, 1]',
};

export function ausFromBlendshapes(s: ArrayLike<number>): ActionUnitProbs {
  if (s.length !== BLENDSHAPE_NAMES.length) throw new Error(`expected ${BLENDSHAPE_NAMES.length} blendshape scores, got ${s.length}`);
  // Lips part when the jaw drops without the lips being held together (ARKit's mouthClose is the lips
  // closing against an open jaw), or when either lip moves away from the other on its own.
  const parted = Math.max(
    score(s, 'jawOpen') - score(s, 'mouthClose'),
    both(s, 'mouthLowerDownLeft', 'mouthLowerDownRight'),
    both(s, 'mouthUpperUpLeft', 'mouthUpperUpRight'),
  );
  return {
    AU1: score(s, 'browInnerUp'),
    AU2: both(s, 'browOuterUpLeft', 'browOuterUpRight'),
    AU4: both(s, 'browDownLeft', 'browDownRight'),
    AU6: both(s, 'cheekSquintLeft', 'cheekSquintRight'),
    AU12: both(s, 'mouthSmileLeft', 'mouthSmileRight'),
    AU15: both(s, 'mouthFrownLeft', 'mouthFrownRight'),
    AU20: both(s, 'mouthStretchLeft', 'mouthStretchRight'),
    AU25: Math.min(1, Math.max(0, parted)),
  };
}

/** The 52 scores as a named record (AffectEvent's optional `blendshapes`). */
export function namedBlendshapes(s: ArrayLike<number>): Record<BlendshapeName, number> {
  return Object.fromEntries(BLENDSHAPE_NAMES.map((n, i) => [n, Math.min(1, Math.max(0, s[i] ?? 0))])) as Record<BlendshapeName, number>;
}
