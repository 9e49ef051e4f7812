// Per-face One-Euro smoothing of the published affect values (valence, arousal, each AU, each expression
// probability), one filter per value per face id. A face's filters are dropped when its track is lost, so a
// face that returns (with a new id) starts from its own first values. The unfiltered values go out on the
// same face as `raw`. Box, score and blendshapes are passed through: the box is what the crops used.
import type { ActionUnitProbs, ExpressionProbs, FaceAffect } from '../../contracts/affect.js';
import { ACTION_UNITS, EXPRESSIONS } from '../../contracts/labels.js';
import { topExpression } from '../expression/topExpression.js';
import { OneEuroFilter, type OneEuroParams } from './OneEuroFilter.js';

type Filters = Map<string, OneEuroFilter>;

export class FaceSmoother {
  readonly #params: OneEuroParams;
  readonly #faces = new Map<number, Filters>();

  constructor(params: OneEuroParams) {
    this.#params = { ...params };
  }

  /** `face` with its values filtered and the unfiltered ones as `raw`; `tSeconds` is the frame's time. */
  smooth(face: FaceAffect, tSeconds: number): FaceAffect {
    let filters = this.#faces.get(face.faceId);
    if (filters === undefined) {
      filters = new Map();
      this.#faces.set(face.faceId, filters);
    }
    const f = (key: string, x: number): number => {
      let filter = filters.get(key);
      if (filter === undefined) {
        filter = new OneEuroFilter(this.#params);
        filters.set(key, filter);
      }
      return filter.filter(x, tSeconds);
    };
    const orNull = (key: string, x: number | null): number | null => (x === null ? null : f(key, x));
    const aus = face.aus === null ? null : (Object.fromEntries(ACTION_UNITS.map((a) => [a, f(`au:${a}`, face.aus![a])])) as ActionUnitProbs);
    let expression: FaceAffect['expression'] = null;
    if (face.expression !== null) {
      const probs = Object.fromEntries(EXPRESSIONS.map((e) => [e, f(`expr:${e}`, face.expression!.probs[e])])) as ExpressionProbs;
      expression = { label: topExpression(probs), probs };
    }
    return {
      ...face,
      valence: orNull('valence', face.valence),
      arousal: orNull('arousal', face.arousal),
      aus,
      expression,
      raw: { valence: face.valence, arousal: face.arousal, aus: face.aus, expression: face.expression?.probs ?? null },
    };
  }

  /** Drops the filters of faces whose tracks ended. */
  forget(faceIds: readonly number[]): void {
    for (const id of faceIds) this.#faces.delete(id);
  }

  clear(): void {
    this.#faces.clear();
  }
}
