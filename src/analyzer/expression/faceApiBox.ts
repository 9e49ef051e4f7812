// face-api's expression net was trained and is used on what face-api's own SSD MobileNet v1 detector
// returns: a box narrower than BlazeFace's square, taller, and centred a little higher. This rule predicts
// that box from what BlazeFace gives (its box and its eye keypoints), so the expression crop is the one
// face-api would have fed its net.
//
// The rule, in units of the BlazeFace box width W, with the head's roll r taken from the eye keypoints:
//   width  = (0.91 + 0.46 |sin r|) W      an upright face's crop is 0.91 W wide; a rolled face fills more
//   height = (1.18 + 0.30 |sin r|) W      of the axis-aligned box, less than a rotated rectangle would
//   centre = BlazeFace centre moved 0.06 W towards the forehead, along the face's own vertical axis
//
// How it was derived and checked (README, "Expression crop"; `node --import tsx
// test/fixtures/faceapi-reference.ts` reproduces every figure): face-api's own JS ran on every real face
// at hand, from five photo sources (face-api's demo photos, @vladmandic/human's sample sheets, Debian's
// public-domain portraits, photos from Debian's OpenCV documentation, frames of the test clips), each
// also mirrored, rolled by +-20 degrees, padded and halved. The roll terms are least-squares fits of the
// SSD box's size against |sin r|, each source weighing the same. Width, height and centre were then chosen
// on a grid by top-1 agreement with face-api's full pipeline, with each source held out in turn (chosen on
// four, scored on the fifth): the held-out choices were 1.18-1.26 W tall, 0.91 W wide, 0.06 W up, and the
// shipped constants are the choice on all five. The SSD box's own height relative to BlazeFace differs
// between photo sets (median 1.06 W on the portraits, 1.33 W on face-api's demo photos): that is the SSD's
// scatter, which nothing BlazeFace gives predicts. Scaling by the keypoints' inter-ocular or eye-mouth
// distance instead of W was tried and agreed worse with the SSD box on held-out sources: BlazeFace's
// keypoints are noisier than its box, so they give the roll only.
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

export const FACEAPI_BOX_RULE: Readonly<FaceApiBoxRule> = Object.freeze({ width: 0.91, height: 1.18, widthPerRoll: 0.46, heightPerRoll: 0.3, up: 0.06 });

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
