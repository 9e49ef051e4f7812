// face-api's own inference-time preprocessing for its FaceExpressionNet, reproduced pixel for pixel on
// rgb24 frames (read from @vladmandic/face-api 1.7.15 src/):
//   extractFaceTensors   box.clipAtImageBorders(w, h) -> Box.floor() (x, y, width, height each floored),
//                        then tf.slice of exactly that region;
//   NetInput.toBatchTensor(112, isCenterInputs = true)
//     padToSquare        zeros along the shorter side: round(diff / 2) appended after the image,
//                        the remaining diff - round(diff / 2) prepended before it;
//     resizeBilinear     to 112x112 with alignCorners = false, halfPixelCenters = false (TensorFlow's
//                        legacy rule: source index = dst index * in/out, indices clamped at the last row);
//   FaceFeatureExtractor (x - mean RGB) / 255: inside our ONNX graph, so the crop stays RGB 0..255.
import type { Box } from '../image/geometry.js';
import { warpBilinear, type RgbImage } from '../image/warp.js';

export const FACEAPI_INPUT_SIZE = 112;

/** The integer region face-api slices for `box`, or null when nothing of it lies inside the frame. */
export function faceApiSliceRegion(box: Box, width: number, height: number): { x: number; y: number; width: number; height: number } | null {
  const cx = Math.max(box.x, 0);
  const cy = Math.max(box.y, 0);
  const w = Math.floor(Math.min(box.x + box.width - cx, width - cx));
  const h = Math.floor(Math.min(box.y + box.height - cy, height - cy));
  if (!(w > 0 && h > 0)) return null;
  return { x: Math.floor(cx), y: Math.floor(cy), width: w, height: h };
}

/**
 * Writes face-api's 112x112x3 RGB (0..255) input for `box` into `out` at `outOffset`. Returns false (and
 * writes nothing) when the box has no pixels inside the frame, where face-api would drop the face.
 */
export function faceApiCrop(image: RgbImage, box: Box, out: Float32Array, outOffset = 0, size = FACEAPI_INPUT_SIZE): boolean {
  const r = faceApiSliceRegion(box, image.width, image.height);
  if (r === null) return false;
  const side = Math.max(r.width, r.height);
  const diff = side - Math.min(r.width, r.height);
  const before = diff - Math.round(diff * 0.5);
  // top-left of the padded square, in frame pixel indices
  const ox = r.x - (r.width < r.height ? before : 0);
  const oy = r.y - (r.height < r.width ? before : 0);
  const ratio = side / size;
  // legacy resize: padded index = u * ratio; in continuous coordinates (centre = index + 0.5) that is
  // x = ratio * (u + 0.5) + ox + 0.5 - ratio / 2
  const c0 = 0.5 - ratio / 2;
  warpBilinear(image, [ratio, 0, ox + c0, 0, ratio, oy + c0], out, size, size, {
    readable: { x0: r.x, y0: r.y, x1: r.x + r.width, y1: r.y + r.height },
    clampTo: { x0: ox, y0: oy, x1: ox + side, y1: oy + side },
    outOffset,
  });
  return true;
}
