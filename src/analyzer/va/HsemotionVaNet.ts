// Valence and arousal from a user-supplied HSEmotion multi-task network (see src/inference/userVaModel.ts),
// fed as it was trained: the face box resized to 224x224 (HSEmotion crops the detector's face box and
// resizes it without keeping the aspect), RGB, ImageNet mean/std, NCHW. Its two regressions are unbounded;
// the contract's range is [-1, 1], so they are clipped.
import type { InferenceRunner } from '../../inference/InferenceRunner.js';
import { HSEMOTION_VA } from '../../inference/userVaModel.js';
import type { Box } from '../image/geometry.js';
import { cropResize, type RgbImage } from '../image/warp.js';

export interface ValenceArousal {
  valence: number;
  arousal: number;
}

const clipSigned = (v: number): number => (Number.isNaN(v) ? 0 : Math.min(1, Math.max(-1, v)));

export class HsemotionVaNet {
  readonly #runner: InferenceRunner;
  readonly #input: string;
  readonly #output: string;
  /** HWC crop of one face, 0..255 */
  readonly #crop: Float32Array;
  #batch: Float32Array;

  constructor(runner: InferenceRunner, options: { maxBatch: number }) {
    const input = runner.manifest.inputs[0];
    const output = runner.manifest.outputs[0];
    const size = HSEMOTION_VA.inputSize;
    const fits = input !== undefined && input.shape.length === 4 && input.shape[1] === 3 && input.shape[2] === size && input.shape[3] === size;
    if (!fits || output === undefined || output.shape[1] !== HSEMOTION_VA.labels.length) {
      throw new Error(`valence/arousal model '${runner.manifest.id}': expected [N,3,${size},${size}] -> [N,${HSEMOTION_VA.labels.length}]`);
    }
    this.#runner = runner;
    this.#input = input.name;
    this.#output = output.name;
    this.#crop = new Float32Array(size * size * 3);
    this.#batch = new Float32Array(options.maxBatch * 3 * size * size);
  }

  /** Valence and arousal in [-1, 1] for each face box (frame pixels), in one batch. */
  async estimate(image: RgbImage, boxes: readonly Box[]): Promise<ValenceArousal[]> {
    if (boxes.length === 0) return [];
    const size = HSEMOTION_VA.inputSize;
    const plane = size * size;
    const per = 3 * plane;
    if (this.#batch.length < boxes.length * per) this.#batch = new Float32Array(boxes.length * per);
    boxes.forEach((box, n) => {
      cropResize(image, box, this.#crop, size, size);
      // HWC 0..255 -> CHW normalised
      for (let c = 0; c < 3; c++) {
        const mean = HSEMOTION_VA.mean[c] as number;
        const std = HSEMOTION_VA.std[c] as number;
        const base = n * per + c * plane;
        for (let i = 0; i < plane; i++) this.#batch[base + i] = ((this.#crop[i * 3 + c] as number) / 255 - mean) / std;
      }
    });
    const out = await this.#runner.run({ [this.#input]: { data: this.#batch.subarray(0, boxes.length * per), dims: [boxes.length, 3, size, size] } });
    const rows = out[this.#output]?.data;
    const width = HSEMOTION_VA.labels.length;
    if (rows === undefined || rows.length !== boxes.length * width) throw new Error('valence/arousal model: unexpected output size');
    return boxes.map((_, n) => ({ valence: clipSigned(rows[n * width + 8] as number), arousal: clipSigned(rows[n * width + 9] as number) }));
  }
}
