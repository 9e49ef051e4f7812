// Face detection with BlazeFace (back/256) behind an InferenceRunner. Preprocessing as the model expects
// (MediaPipe's ImageToTensor with letterbox; @vladmandic/human with detector.square): pad the frame to a
// centred square with zeros, bilinear resize to 256x256, RGB scaled to [-1, 1] by x/127.5 - 1 (so the
// padding is -1). One deliberate detail: we sample at pixel centres (half-pixel, as MediaPipe's own
// runtime does) where human calls tf.image.resizeBilinear with halfPixelCenters=false; both map boxes
// back consistently with their own sampling, the difference is sub-pixel.
import type { TensorSpec } from '../../models/manifest.js';
import type { Float32Tensor, InferenceRunner } from '../../inference/InferenceRunner.js';
import { boxCropAffine } from '../image/geometry.js';
import { cropResize, letterboxSquare, type RgbImage } from '../image/warp.js';
import { BLAZEFACE_VALUES_PER_ANCHOR, blazeFaceAnchors, decodeBlazeFace, weightedNms } from './blazeFaceDecode.js';
import type { FaceDetection } from './FaceDetection.js';

export interface BlazeFaceOptions {
  /** config analyzer.minFaceScore */
  minScore: number;
  /** config analyzer.maxFaces */
  maxFaces: number;
  /** Weighted-NMS overlap; MediaPipe's face detection uses 0.3. */
  iouThreshold?: number;
}

interface Binding {
  input: TensorSpec;
  inputSize: number;
  /** Score and regressor outputs, ordered as the anchors are (512-anchor head, then 384-anchor head). */
  scores: TensorSpec[];
  regressors: TensorSpec[];
}

/** Which manifest tensors play which role; throws when the manifest does not describe a BlazeFace. */
export function bindBlazeFace(inputs: readonly TensorSpec[], outputs: readonly TensorSpec[]): Binding {
  const input = inputs[0];
  const size = input?.shape[1];
  if (inputs.length !== 1 || input === undefined || typeof size !== 'number' || input.shape[2] !== size || input.shape[3] !== 3) {
    throw new Error('blazeface manifest: expected one NHWC input [N,S,S,3]');
  }
  const anchorsOf = (t: TensorSpec): number => {
    const n = t.shape[t.shape.length - 2];
    if (typeof n !== 'number') throw new Error(`blazeface manifest: output '${t.name}' has a symbolic anchor dim`);
    return n;
  };
  const lastDim = (t: TensorSpec): unknown => t.shape[t.shape.length - 1];
  // Bigger head first: the stride-16 anchors (2 per cell) precede the stride-32 ones in the anchor list.
  const byAnchors = (a: TensorSpec, b: TensorSpec): number => anchorsOf(b) - anchorsOf(a);
  const scores = outputs.filter((t) => lastDim(t) === 1).sort(byAnchors);
  const regressors = outputs.filter((t) => lastDim(t) === BLAZEFACE_VALUES_PER_ANCHOR).sort(byAnchors);
  const total = (ts: TensorSpec[]): number => ts.reduce((s, t) => s + anchorsOf(t), 0);
  const expected = blazeFaceAnchors(size).length / 2;
  if (scores.length === 0 || total(scores) !== expected || total(regressors) !== expected) {
    throw new Error(`blazeface manifest: outputs do not cover ${expected} anchors`);
  }
  return { input, inputSize: size, scores, regressors };
}

export class BlazeFaceDetector {
  readonly inputSize: number;
  readonly #runner: InferenceRunner;
  readonly #binding: Binding;
  readonly #anchors: Float32Array;
  readonly #input: Float32Array;
  readonly #minScore: number;
  readonly #maxFaces: number;
  readonly #iouThreshold: number;

  constructor(runner: InferenceRunner, options: BlazeFaceOptions) {
    this.#runner = runner;
    this.#binding = bindBlazeFace(runner.manifest.inputs, runner.manifest.outputs);
    this.inputSize = this.#binding.inputSize;
    this.#anchors = blazeFaceAnchors(this.inputSize);
    this.#input = new Float32Array(this.inputSize * this.inputSize * 3);
    this.#minScore = options.minScore;
    this.#maxFaces = options.maxFaces;
    this.#iouThreshold = options.iouThreshold ?? 0.3;
  }

  /** Faces in `image`, best first, at most maxFaces, frame-pixel coordinates. */
  async detect(image: RgbImage): Promise<FaceDetection[]> {
    const size = this.inputSize;
    const square = letterboxSquare(image.width, image.height);
    // reused input buffer: the runner copies nothing, and detect() calls are not overlapped per detector
    cropResize(image, square, this.#input, size, size, { scale: 1 / 127.5, offset: -1 });
    const out = await this.#runner.run({ [this.#binding.input.name]: { data: this.#input, dims: [1, size, size, 3] } });
    const scores = concat(this.#binding.scores.map((t) => pick(out, t.name)));
    const regressors = concat(this.#binding.regressors.map((t) => pick(out, t.name)));
    const candidates = decodeBlazeFace(scores, regressors, this.#anchors, {
      minScore: this.#minScore,
      toFrame: boxCropAffine(square, size, size),
    });
    return weightedNms(candidates, this.#iouThreshold, this.#maxFaces);
  }
}

function pick(out: Record<string, Float32Tensor>, name: string): Float32Array {
  const t = out[name];
  if (t === undefined) throw new Error(`blazeface: output '${name}' missing`);
  return t.data;
}

function concat(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0] as Float32Array;
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
