// face-api's FaceExpressionNet (7 classes) behind an InferenceRunner, fed with face-api's own crop.
import { EXPRESSIONS, type Expression } from '../../contracts/labels.js';
import type { ExpressionProbs } from '../../contracts/affect.js';
import type { InferenceRunner } from '../../inference/InferenceRunner.js';
import type { TensorSpec } from '../../models/manifest.js';
import { clamp01, type Box } from '../image/geometry.js';
import type { RgbImage } from '../image/warp.js';
import { faceApiCrop } from './faceApiCrop.js';

/** face-api's class names (FaceExpressions) and other spellings, onto affectcast's labels. */
const SYNONYMS: Record<string, Expression> = {
  neutral: 'neutral',
  happy: 'happiness',
  happiness: 'happiness',
  sad: 'sadness',
  sadness: 'sadness',
  angry: 'anger',
  anger: 'anger',
  fearful: 'fear',
  fear: 'fear',
  disgusted: 'disgust',
  disgust: 'disgust',
  surprised: 'surprise',
  surprise: 'surprise',
};

interface Binding {
  input: TensorSpec;
  size: number;
  output: TensorSpec;
  /** order[k] = index of EXPRESSIONS[k] in the model's output row */
  order: number[];
}

/** Resolves the manifest: one NHWC input, one 7-way output whose labels name every expression once. */
export function bindExpressionNet(inputs: readonly TensorSpec[], outputs: readonly TensorSpec[]): Binding {
  const input = inputs[0];
  const size = input?.shape[1];
  if (inputs.length !== 1 || input === undefined || typeof size !== 'number' || input.shape[2] !== size || input.shape[3] !== 3) {
    throw new Error('faceapi-expression manifest: expected one NHWC input [N,S,S,3]');
  }
  const output = outputs.find((t) => t.shape[t.shape.length - 1] === EXPRESSIONS.length);
  if (output === undefined) throw new Error('faceapi-expression manifest: no [N,7] output');
  // The label order comes from the manifest, never assumed: a wrong order would silently swap classes.
  const labels = output.labels?.map((l) => SYNONYMS[l.toLowerCase()]);
  const order = EXPRESSIONS.map((e) => labels?.indexOf(e) ?? -1);
  if (labels === undefined || order.some((i) => i < 0) || new Set(labels).size !== EXPRESSIONS.length) {
    throw new Error(`faceapi-expression manifest: output '${output.name}' must label all of ${EXPRESSIONS.join(', ')}`);
  }
  return { input, size, output, order };
}

export class FaceApiExpressionNet {
  readonly inputSize: number;
  readonly #runner: InferenceRunner;
  readonly #binding: Binding;
  #buffer: Float32Array;

  constructor(runner: InferenceRunner, options: { maxBatch: number }) {
    this.#runner = runner;
    this.#binding = bindExpressionNet(runner.manifest.inputs, runner.manifest.outputs);
    this.inputSize = this.#binding.size;
    this.#buffer = new Float32Array(options.maxBatch * this.inputSize * this.inputSize * 3);
  }

  /**
   * Expression probabilities for each face box (face-api detector geometry, frame pixels), in one batch.
   * null where the box has no pixels inside the frame.
   */
  async classify(image: RgbImage, boxes: readonly Box[]): Promise<Array<ExpressionProbs | null>> {
    const per = this.inputSize * this.inputSize * 3;
    if (this.#buffer.length < boxes.length * per) this.#buffer = new Float32Array(boxes.length * per);
    const slots: number[] = [];
    let n = 0;
    for (const box of boxes) {
      slots.push(faceApiCrop(image, box, this.#buffer, n * per, this.inputSize) ? n++ : -1);
    }
    if (n === 0) return boxes.map(() => null);
    const { input, output, order, size } = this.#binding;
    const out = await this.#runner.run({ [input.name]: { data: this.#buffer.subarray(0, n * per), dims: [n, size, size, 3] } });
    const probs = out[output.name]?.data;
    if (probs === undefined || probs.length !== n * EXPRESSIONS.length) throw new Error('faceapi-expression: unexpected output size');
    return slots.map((slot) => {
      if (slot < 0) return null;
      const row = slot * EXPRESSIONS.length;
      return Object.fromEntries(EXPRESSIONS.map((e, k) => [e, clamp01(probs[row + (order[k] as number)] as number)])) as ExpressionProbs;
    });
  }
}
