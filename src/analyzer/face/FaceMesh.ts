// MediaPipe FaceMesh V2 (478 landmarks with irises, mediapipe-facemesh-v2) behind an InferenceRunner.
// Crop as MediaPipe's face landmark graph builds it for training and inference: the detector's box
// enlarged 1.5× about its centre, squared to its longer side, rotated so that the eye line is horizontal
// (always, by the eye-line angle: the similarity warp makes it free and keeps the crop continuous as a
// head tilts), resampled to the model's input size, RGB / 255 (input range [0, 1]). Pixels outside the
// frame are 0. Sampling is at pixel centres, one convention for every crop (image/geometry.ts).
import type { InferenceRunner } from '../../inference/InferenceRunner.js';
import type { TensorSpec } from '../../models/manifest.js';
import { applyAffine, boxCentre, squareCropAffine, type Affine, type Box, type Point } from '../image/geometry.js';
import { warpBilinear, type RgbImage } from '../image/warp.js';
import { KP, type FaceDetection } from './FaceDetection.js';

export const FACEMESH_POINTS = 478;
/** MediaPipe face landmarker: RectTransformation scale 1.5, square_long. */
export const FACEMESH_CROP_SCALE = 1.5;

/** MediaPipe face landmarker's min_face_presence_confidence default: below it the mesh is not a face's. */
export const MIN_FACE_PRESENCE = 0.5;

export interface FaceLandmarks {
  /** 478 × (x, y, z) in frame pixels; z is relative depth in the same pixel scale (smaller = nearer). */
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
  if (mesh === undefined || score === undefined) throw new Error(`facemesh manifest: needs a [N,${FACEMESH_POINTS * 3}] landmarks and a [N,1] face flag output`);
  return { input, size, mesh, score };
}

/** Crop → frame map of MediaPipe's landmark ROI: box centre, side = 1.5 × longer side, eye line level. */
export function roiCrop(box: Box, rightEye: Point | undefined, leftEye: Point | undefined, size: number, scale = FACEMESH_CROP_SCALE): Affine {
  const side = Math.max(box.width, box.height) * scale;
  // subject's right eye is image-left: the eye line points +x on an upright face
  const angle = rightEye !== undefined && leftEye !== undefined ? Math.atan2(leftEye.y - rightEye.y, leftEye.x - rightEye.x) : 0;
  return squareCropAffine(boxCentre(box), side, angle, size, size);
}

/** Crop → frame map for the mesh crop of one detection (size × size crop pixels). */
export function faceMeshCrop(det: FaceDetection, size: number): Affine {
  return roiCrop(det.box, det.keypoints[KP.rightEye], det.keypoints[KP.leftEye], size);
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
  landmarks(image: RgbImage, detections: readonly FaceDetection[]): Promise<FaceLandmarks[]> {
    return this.landmarksInCrops(image, detections.map((det) => faceMeshCrop(det, this.inputSize)));
  }

  /** Landmarks for given crops (crop → frame maps of inputSize × inputSize crops), in one batch. */
  async landmarksInCrops(image: RgbImage, maps: readonly Affine[]): Promise<FaceLandmarks[]> {
    if (maps.length === 0) return [];
    const size = this.inputSize;
    const per = size * size * 3;
    const n = maps.length;
    if (this.#buffer.length < n * per) this.#buffer = new Float32Array(n * per);
    maps.forEach((m, i) => warpBilinear(image, m, this.#buffer, size, size, { scale: 1 / 255, outOffset: i * per }));
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
