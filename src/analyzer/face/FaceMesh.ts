// MediaPipe FaceMesh (468 landmarks, @vladmandic/human's facemesh.json) behind an InferenceRunner.
// Crop as @vladmandic/human builds it (src/face/blazeface.ts + facemeshutil.ts): the BlazeFace box
// enlarged 1.4x about its centre (detector.scale), squared to its longer side, resampled to 192x192,
// RGB / 255 (input range [0, 1]). Rotation: human only rotates when detector.rotation is on (default
// off) and only past 0.2 rad; MediaPipe's own graph always rotates the ROI so the eye line is
// horizontal. We always rotate by the eye-line angle (the similarity warp makes it free), which keeps
// the crop continuous as a head tilts instead of jumping at a threshold. Also unlike human, the crop is
// not rounded to whole pixels and is sampled at pixel centres (human: tf.image.cropAndResize); both are
// sub-pixel differences that keep one convention for every crop (image/geometry.ts).
import type { InferenceRunner } from '../../inference/InferenceRunner.js';
import type { TensorSpec } from '../../models/manifest.js';
import { applyAffine, boxCentre, squareCropAffine, type Affine } from '../image/geometry.js';
import { warpBilinear, type RgbImage } from '../image/warp.js';
import { KP, type FaceDetection } from './FaceDetection.js';

export const FACEMESH_POINTS = 468;
/** human's config.face.detector.scale */
export const FACEMESH_CROP_SCALE = 1.4;

export interface FaceLandmarks {
  /** 468 x (x, y, z) in frame pixels; z is relative depth in the same pixel scale (smaller = nearer). */
  points: Float32Array;
  /** The mesh model's face-presence output, 0..1. */
  score: number;
}

interface Binding {
  input: TensorSpec;
  size: number;
  mesh: TensorSpec;
  score: TensorSpec;
}

export function bindFaceMesh(inputs: readonly TensorSpec[], outputs: readonly TensorSpec[]): Binding {
  const input = inputs[0];
  const size = input?.shape[1];
  if (inputs.length !== 1 || input === undefined || typeof size !== 'number' || input.shape[2] !== size || input.shape[3] !== 3) {
    throw new Error('facemesh manifest: expected one NHWC input [N,S,S,3]');
  }
  const last = (t: TensorSpec): unknown => t.shape[t.shape.length - 1];
  const mesh = outputs.find((t) => last(t) === FACEMESH_POINTS * 3);
  const score = outputs.find((t) => last(t) === 1);
  if (mesh === undefined || score === undefined) throw new Error('facemesh manifest: needs a [N,1404] mesh and a [N,1] face flag output');
  return { input, size, mesh, score };
}

/** Crop -> frame map for the mesh crop of one detection (size x size crop pixels). */
export function faceMeshCrop(det: FaceDetection, size: number): Affine {
  const side = Math.max(det.box.width, det.box.height) * FACEMESH_CROP_SCALE;
  const r = det.keypoints[KP.rightEye];
  const l = det.keypoints[KP.leftEye];
  // subject's right eye is image-left: the eye line points +x on an upright face
  const angle = r !== undefined && l !== undefined ? Math.atan2(l.y - r.y, l.x - r.x) : 0;
  return squareCropAffine(boxCentre(det.box), side, angle, size, size);
}

export class FaceMesh {
  readonly inputSize: number;
  readonly #runner: InferenceRunner;
  readonly #binding: Binding;
  #buffer: Float32Array;

  constructor(runner: InferenceRunner, options: { maxBatch: number }) {
    this.#runner = runner;
    this.#binding = bindFaceMesh(runner.manifest.inputs, runner.manifest.outputs);
    this.inputSize = this.#binding.size;
    this.#buffer = new Float32Array(options.maxBatch * this.inputSize * this.inputSize * 3);
  }

  /** Landmarks for each detection, in one batch. */
  async landmarks(image: RgbImage, detections: readonly FaceDetection[]): Promise<FaceLandmarks[]> {
    if (detections.length === 0) return [];
    const size = this.inputSize;
    const per = size * size * 3;
    if (this.#buffer.length < detections.length * per) this.#buffer = new Float32Array(detections.length * per);
    const maps = detections.map((det, i) => {
      const m = faceMeshCrop(det, size);
      warpBilinear(image, m, this.#buffer, size, size, { scale: 1 / 255, outOffset: i * per });
      return m;
    });
    const n = detections.length;
    const { input, mesh, score } = this.#binding;
    const out = await this.#runner.run({ [input.name]: { data: this.#buffer.subarray(0, n * per), dims: [n, size, size, 3] } });
    const meshData = out[mesh.name]?.data;
    const scoreData = out[score.name]?.data;
    if (meshData === undefined || scoreData === undefined || meshData.length !== n * FACEMESH_POINTS * 3) {
      throw new Error('facemesh: unexpected output size');
    }
    return maps.map((m, i) => {
      const points = new Float32Array(FACEMESH_POINTS * 3);
      const zScale = Math.hypot(m[0], m[3]); // crop pixel -> frame pixel scale
      for (let k = 0; k < FACEMESH_POINTS; k++) {
        const src = (i * FACEMESH_POINTS + k) * 3;
        const p = applyAffine(m, { x: meshData[src] as number, y: meshData[src + 1] as number });
        points[3 * k] = p.x;
        points[3 * k + 1] = p.y;
        points[3 * k + 2] = (meshData[src + 2] as number) * zScale;
      }
      return { points, score: scoreData[i] as number };
    });
  }
}
