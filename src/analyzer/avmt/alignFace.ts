// The face crop the avmt network expects: a similarity alignment of the face to the 112x112 template its
// training crops were aligned to (Aff-Wild2 cropped_aligned), then the same antialiased 112 → 96 resize and
// uint8 rounding as training, scaled to [-1, 1], NCHW.
import type { FaceDetection } from '../face/FaceDetection.js';
import { KP } from '../face/FaceDetection.js';
import { similarityFromPoints, type Point } from '../image/geometry.js';
import { resizeAntialiased } from '../image/antialiasResize.js';
import { warpBilinear, type RgbImage } from '../image/warp.js';
import type { AvmtPreprocessing } from './avmtPreprocessing.js';

const TEMPLATE_SIZE = 112;

export class FaceAligner {
  readonly size: number;
  /** Template points in the order of `#detectionPoints`: image-left eye, image-right eye, nose, mouth centre. */
  readonly #template: Point[];
  readonly #crop112 = new Float32Array(TEMPLATE_SIZE * TEMPLATE_SIZE * 3);
  readonly #resized: Float32Array;

  constructor(preprocessing: AvmtPreprocessing) {
    const [width, height] = preprocessing.face.size;
    if (width !== height) throw new RangeError('the avmt face input must be square');
    this.size = width;
    this.#resized = new Float32Array(width * height * 3);
    const t = preprocessing.face.template112;
    const at = ([x, y]: readonly [number, number]): Point => ({ x, y });
    // The template names eyes by image side; BlazeFace's 'rightEye' (the subject's) is on the image's left.
    this.#template = [
      at(t.leftEye),
      at(t.rightEye),
      at(t.nose),
      { x: (t.mouthLeft[0] + t.mouthRight[0]) / 2, y: (t.mouthLeft[1] + t.mouthRight[1]) / 2 },
    ];
  }

  /** Writes the aligned face as 3 x size x size floats in [-1, 1] at `out[offset…]`. */
  align(frame: RgbImage, detection: FaceDetection, out: Float32Array, offset: number): void {
    const k = detection.keypoints;
    const points = [k[KP.rightEye], k[KP.leftEye], k[KP.noseTip], k[KP.mouth]];
    if (points.some((p) => p === undefined)) throw new RangeError('detection lacks the alignment keypoints');
    // template (crop) → frame, exactly the map the sampler needs
    const cropToFrame = similarityFromPoints(this.#template, points as Point[]);
    warpBilinear(frame, cropToFrame, this.#crop112, TEMPLATE_SIZE, TEMPLATE_SIZE);
    resizeAntialiased(this.#crop112, TEMPLATE_SIZE, TEMPLATE_SIZE, this.#resized, this.size, this.size);
    const plane = this.size * this.size;
    for (let i = 0; i < plane; i++) {
      for (let c = 0; c < 3; c++) {
        // training rounded the resized face to uint8 before scaling
        const v = Math.min(255, Math.max(0, Math.round(this.#resized[i * 3 + c] as number)));
        out[offset + c * plane + i] = v / 127.5 - 1;
      }
    }
  }
}
