// face-api's expression net was trained and is used on what face-api's own SSD MobileNet v1 detector
// returns: a box narrower than BlazeFace's square, taller, and centred a little higher. This rule predicts
// that box from what BlazeFace gives (its box and its eye keypoints), so the expression crop is the one
// face-api would have fed its net.
//
// The rule, in units of the BlazeFace box width W, with the head's roll r taken from the eye keypoints:
//   width  = (0.85 + 0.46 |sin r|) W      an upright face is 0.85 W wide; a rolled one fills more of
//   height = (1.14 + 0.30 |sin r|) W      the axis-aligned box, less than a rotated rectangle would
//   centre = BlazeFace centre moved 0.09 W towards the forehead, along the face's own vertical axis
//
// How it was derived and checked (README, "Expression crop"; `node --import tsx
// test/fixtures/faceapi-reference.ts` reproduces every figure): face-api's own JS ran on every real face
// at hand, from five photo sources (face-api's demo photos, @vladmandic/human's sample sheets, Debian's
// public-domain portraits, photos from Debian's OpenCV documentation, frames of the test clips), each
// also mirrored, rolled by +-20 degrees, padded and halved. Each source was held out in turn and the
// constants fitted on the other four, each source weighing the same; the shipped constants are the fit on
// all five. The SSD box's height relative to BlazeFace differs from one photo set to another (median 1.06 W
// on the portraits, 1.33 W on face-api's demo photos): that is the SSD's own scatter, which no rule from
// BlazeFace's outputs can predict. Scaling by the keypoints' inter-ocular or eye-mouth distance instead of
// W was measured too and agreed worse with the SSD box (mean IoU 0.70 against 0.75, held out): BlazeFace's
// keypoints are noisier than its box, so they are used for the roll only.
import type { Box } from '../image/geometry.js';
import type { FaceDetection } from '../face/FaceDetection.js';
import { KP } from '../face/FaceDetection.js';

export interface FaceApiBoxRule {
  /** SSD box size for an upright face, in BlazeFace box widths. */
  width: number;
  height: number;
  /** Growth of the SSD box's width and height with |sin roll|, in BlazeFace box widths. */
  widthPerRoll: number;
  heightPerRoll: number;
  /** How far the SSD box centre lies above the BlazeFace box centre, along the face's own upward axis, in BlazeFace box widths. */
  up: number;
}

export const FACEAPI_BOX_RULE: Readonly<FaceApiBoxRule> = Object.freeze({ width: 0.85, height: 1.14, widthPerRoll: 0.46, heightPerRoll: 0.3, up: 0.09 });

/** Head roll in radians from BlazeFace's eye keypoints (0 when they are missing). */
export function rollFromEyes(det: FaceDetection): number {
  const right = det.keypoints[KP.rightEye];
  const left = det.keypoints[KP.leftEye];
  if (right === undefined || left === undefined) return 0;
  return Math.atan2(left.y - right.y, left.x - right.x);
}

/** The box face-api's SSD detector would most likely return for this face, frame pixels. */
export function faceApiBoxFromBlazeFace(det: FaceDetection, rule: Readonly<FaceApiBoxRule> = FACEAPI_BOX_RULE): Box {
  const w = det.box.width;
  const roll = rollFromEyes(det);
  const s = Math.abs(Math.sin(roll));
  // the face's upward axis is (sin r, -cos r) in image coordinates (y grows downwards)
  const cx = det.box.x + det.box.width / 2 + rule.up * w * Math.sin(roll);
  const cy = det.box.y + det.box.height / 2 - rule.up * w * Math.cos(roll);
  const bw = (rule.width + rule.widthPerRoll * s) * w;
  const bh = (rule.height + rule.heightPerRoll * s) * w;
  return { x: cx - bw / 2, y: cy - bh / 2, width: bw, height: bh };
}
