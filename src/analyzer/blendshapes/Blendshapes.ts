// MediaPipe Blendshape V2 (mediapipe-blendshapes) behind an InferenceRunner: 146 of the 478 FaceMesh V2
// landmarks, as (x, y) frame pixels, in → 52 coefficients in [0, 1] out. The net normalises position and
// scale itself, so frame pixels are exactly what it was trained on (MediaPipe feeds x·width, y·height).
import type { InferenceRunner } from '../../inference/InferenceRunner.js';
import { BLENDSHAPE_LANDMARKS, BLENDSHAPE_NAMES } from './blendshapeNames.js';

export class Blendshapes {
  readonly #runner: InferenceRunner;
  readonly #input: string;
  readonly #output: string;

  constructor(runner: InferenceRunner) {
    const { inputs, outputs } = runner.manifest;
    const input = inputs[0];
    const output = outputs.find((o) => o.shape.at(-1) === BLENDSHAPE_NAMES.length);
    if (inputs.length !== 1 || input?.shape.join(',') !== `1,${BLENDSHAPE_LANDMARKS.length},2` || output === undefined) {
      throw new Error(`blendshapes manifest: expected [1,${BLENDSHAPE_LANDMARKS.length},2] → [1,${BLENDSHAPE_NAMES.length}]`);
    }
    this.#runner = runner;
    this.#input = input.name;
    this.#output = output.name;
  }

  /** `points`: 478 × (x, y, z) frame pixels (FaceLandmarks.points). One run per face: the net's batch is 1. */
  async scores(points: Float32Array): Promise<Float32Array> {
    // A fresh buffer per run: a worker-thread runner may take ownership of the one it is given.
    const input = new Float32Array(BLENDSHAPE_LANDMARKS.length * 2);
    BLENDSHAPE_LANDMARKS.forEach((k, i) => {
      input[2 * i] = points[3 * k] as number;
      input[2 * i + 1] = points[3 * k + 1] as number;
    });
    const out = await this.#runner.run({ [this.#input]: { data: input, dims: [1, BLENDSHAPE_LANDMARKS.length, 2] } });
    const data = out[this.#output]?.data;
    if (data === undefined || data.length !== BLENDSHAPE_NAMES.length) throw new Error('blendshapes: unexpected output size');
    return Float32Array.from(data);
  }
}
