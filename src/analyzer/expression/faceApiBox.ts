// BlazeFace's box is not the box face-api's expression net was used with: face-api crops what its own
// SSD MobileNet v1 detector returns, which is taller (forehead included) and narrower than BlazeFace's
// square. This rule predicts the SSD box from the BlazeFace box, so the expression crop matches what
// face-api would have fed its net.
//
// Derivation (test/fixtures/faceapi-reference.ts, face-api's own JS on its 6 demo photos, 22 faces
// matched by IoU > 0.3; the test photos were not used): the SSD box relative to the BlazeFace box, in
// units of the BlazeFace box width w (BlazeFace boxes are square), medians (MAD):
//   centre x offset  -0.009 w (0.054)  -> 0: symmetric by construction, the median is well inside the noise
//   centre y offset  -0.134 w (0.031)  -> -0.13
//   width             0.866 w (0.076)  -> 0.87
//   height            1.287 w (0.066)  -> 1.29
// Agreement with face-api end-to-end on those 22 faces (top-1; mean |dp| over the 7 classes):
//                         full-size photos        scaled to 640 wide (the analyzer's default)
//   research square 1.2   19/22  0.041            21/22  0.034
//   BlazeFace box as is   16/22  0.089            16/22  0.081
//   this rule             21/22  0.032            20/22  0.034
//   leave-one-photo-out   22/22  0.035            18/22  0.047
// The expression net is very sensitive to the crop (one face flips happy <-> sad between neighbouring
// boxes), so on 22 faces differences of one or two are noise; the rule's value is that it reproduces
// face-api's geometry instead of an arbitrary square. The rest is the SSD's own per-face scatter (MAD
// 0.03-0.08 w). Taking head roll into account (rotated rectangle's bounding box) measured worse.
import type { Box } from '../image/geometry.js';
import type { FaceDetection } from '../face/FaceDetection.js';

export interface FaceApiBoxRule {
  /** SSD box centre minus BlazeFace box centre, in BlazeFace box widths. */
  dx: number;
  dy: number;
  /** SSD box size in BlazeFace box widths. */
  width: number;
  height: number;
}

export const FACEAPI_BOX_RULE: Readonly<FaceApiBoxRule> = { dx: 0, dy: -0.13, width: 0.87, height: 1.29 };

/** The box face-api's SSD detector would most likely return for this face, frame pixels. */
export function faceApiBoxFromBlazeFace(det: FaceDetection, rule: Readonly<FaceApiBoxRule> = FACEAPI_BOX_RULE): Box {
  const w = det.box.width;
  const cx = det.box.x + det.box.width / 2 + rule.dx * w;
  const cy = det.box.y + det.box.height / 2 + rule.dy * w;
  const bw = rule.width * w;
  const bh = rule.height * w;
  return { x: cx - bw / 2, y: cy - bh / 2, width: bw, height: bh };
}
