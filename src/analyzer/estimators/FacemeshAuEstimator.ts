// Estimator 'facemesh-geometry-v1': action-unit probabilities from FaceMesh landmark geometry, measured
// against the face's own running neutral baseline. A documented heuristic with hand-set constants (no AU
// labels exist to fit them to): it reports how far a face has moved from its neutral in the directions
// the FACS descriptions of each AU name, squashed to 0..1 by a logistic; it is not a FACS coder.
//
// Per AU, z is a baseline-relative change (d = measure - neutral median, IOD units; see faceGeometry.ts):
//   AU1  inner brow raiser   z = d.browInner
//   AU2  outer brow raiser   z = d.browOuter
//   AU4  brow lowerer        z = -d.browInner - 0.5 * d.browGap        (brows down and drawn together)
//   AU6  cheek raiser        z = min(-d.eyeOpen, d.cheek)              (both: a blink alone narrows the eye
//                                                                       without lifting the cheek)
//   AU12 lip corner puller   z = d.cornerLift + 0.5 * max(0, d.mouthWidth)
//   AU15 lip corner depress. z = -d.cornerLift
//   AU20 lip stretcher       z = d.mouthWidth - 2 * max(0, d.cornerLift)  (widening without the lift of a smile)
//   AU25 lips part           z = d.lipGap
// p = 1 / (1 + exp(-6 (z / A - 0.5))): 0.05 at the neutral, 0.5 at half the full amplitude A, 0.95 at A.
// A (IOD units; IOD is about 63 mm in adults, so 0.1 is about 6 mm): AU1 0.08, AU2 0.08, AU4 0.06,
// AU6 0.04, AU12 0.08, AU15 0.05, AU20 0.10, AU25 0.05 — typical full-intensity displacements, set by hand.
//
// Calibration: a frame feeds the face's baseline when p(neutral) >= neutralThreshold (default 0.6). Until
// the baseline holds warmupSamples (default 10, 1 s at 10 fps of neutral face) the estimator returns null
// (the event's aus is null, provenance stays 'estimator:facemesh-geometry-v1'): an uncalibrated number would look
// like a measurement. A face never seen neutral therefore never gets AUs. Frames whose mesh score is
// below minMeshScore return null and do not feed the baseline. State is per faceId; forget() it when the
// tracker loses the face.
import type { ActionUnitProbs, ExpressionProbs } from '../../contracts/affect.js';
import type { ActionUnit } from '../../contracts/labels.js';
import { measureFace, type FaceMeasures } from './faceGeometry.js';
import { NeutralBaseline } from './NeutralBaseline.js';

export const FACEMESH_GEOMETRY_V1 = 'facemesh-geometry-v1';

export const AU_AMPLITUDE: Readonly<Record<ActionUnit, number>> = {
  AU1: 0.08, AU2: 0.08, AU4: 0.06, AU6: 0.04, AU12: 0.08, AU15: 0.05, AU20: 0.1, AU25: 0.05,
};

export interface AuEstimatorOptions {
  neutralThreshold?: number;
  warmupSamples?: number;
  /** Neutral samples kept per face (the baseline's memory). Default 60. */
  window?: number;
  minMeshScore?: number;
}

/** The AU activations z (IOD units) for a change `d` from the neutral baseline. */
export function auActivations(d: FaceMeasures): Record<ActionUnit, number> {
  return {
    AU1: d.browInner,
    AU2: d.browOuter,
    AU4: -d.browInner - 0.5 * d.browGap,
    AU6: Math.min(-d.eyeOpen, d.cheek),
    AU12: d.cornerLift + 0.5 * Math.max(0, d.mouthWidth),
    AU15: -d.cornerLift,
    AU20: d.mouthWidth - 2 * Math.max(0, d.cornerLift),
    AU25: d.lipGap,
  };
}

export function auProbability(z: number, amplitude: number): number {
  return 1 / (1 + Math.exp(-6 * (z / amplitude - 0.5)));
}

/** AU probabilities for measures `m` against `neutral`. */
export function auFromMeasures(m: FaceMeasures, neutral: FaceMeasures): ActionUnitProbs {
  const d = {} as FaceMeasures;
  for (const k of Object.keys(m) as Array<keyof FaceMeasures>) d[k] = m[k] - neutral[k];
  const z = auActivations(d);
  const out = {} as ActionUnitProbs;
  for (const au of Object.keys(z) as ActionUnit[]) out[au] = auProbability(z[au], AU_AMPLITUDE[au]);
  return out;
}

export class FacemeshAuEstimator {
  readonly #neutralThreshold: number;
  readonly #warmup: number;
  readonly #window: number;
  readonly #minMeshScore: number;
  readonly #baselines = new Map<number, NeutralBaseline>();

  constructor(options: AuEstimatorOptions = {}) {
    this.#neutralThreshold = options.neutralThreshold ?? 0.6;
    this.#warmup = options.warmupSamples ?? 10;
    this.#window = options.window ?? 60;
    this.#minMeshScore = options.minMeshScore ?? 0.5;
  }

  /** AUs for one face on one frame, or null while uncalibrated or when the mesh is unreliable. */
  estimate(faceId: number, landmarks: { points: Float32Array; score: number }, expression: ExpressionProbs): ActionUnitProbs | null {
    if (!(landmarks.score >= this.#minMeshScore)) return null;
    const m = measureFace(landmarks.points);
    if (m === null) return null;
    let baseline = this.#baselines.get(faceId);
    if (baseline === undefined) {
      baseline = new NeutralBaseline(this.#window);
      this.#baselines.set(faceId, baseline);
    }
    if (expression.neutral >= this.#neutralThreshold) baseline.add(m);
    const neutral = baseline.count >= this.#warmup ? baseline.median() : null;
    return neutral === null ? null : auFromMeasures(m, neutral);
  }

  /** Drops a face's baseline (the face was lost; its id will not come back). */
  forget(faceId: number): void {
    this.#baselines.delete(faceId);
  }

  get trackedFaces(): number {
    return this.#baselines.size;
  }
}
