// The box face-api's own SSD MobileNet v1 detector would give, predicted from the FaceMesh V2 landmarks
// (478 points) instead of BlazeFace's box: the mesh's face oval outlines the face itself (forehead,
// cheeks, jaw, chin), where BlazeFace's box is a square whose size follows its own anchors. face-api's
// box is a fixed proportion of that outline, so:
//
//   O      = axis-aligned extent of the 36 face-oval landmarks (width Ow, height Oh), frame pixels
//   width  = 0.961 Ow, height = 1.113 Oh
//   centre = O's centre moved 0.012 Ow left and 0.058 Oh up (face-api's box sits a little higher: it
//            leaves more forehead and less chin than the mesh outline)
//
// A rolled head needs no term of its own: the oval rotates with the face, and its axis-aligned extent
// grows as face-api's axis-aligned box does.
//
// How the four coefficients were fitted and checked (README, "Expression crop"; `node --import tsx
// test/fixtures/faceApiLandmarkFit.ts` reproduces every figure): face-api's own JS ran on every real face
// at hand (five photo sources, each photo also mirrored, rolled by +-20 degrees, padded and halved); each
// coefficient is the mean ratio of face-api's box to the oval's extent, per photo source, averaged over
// the sources so that none outweighs another by its number of faces (least squares of the ratio). Scored
// with each source held out of the fit in turn, it matches face-api's box better than the BlazeFace rule
// (faceApiBox.ts) on every source, and the expression it crops agrees with face-api's more often.
import type { FaceDetection } from '../face/FaceDetection.js';
import { MIN_FACE_PRESENCE, type FaceLandmarks } from '../face/FaceMesh.js';
import type { Box } from '../image/geometry.js';
import { faceApiBoxFromBlazeFace } from './faceApiBox.js';

/** FaceMesh V2's face oval (MediaPipe's FACEMESH_FACE_OVAL), clockwise from the top of the forehead. */
export const FACE_OVAL: readonly number[] = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93,
  234, 127, 162, 21, 54, 103, 67, 109,
];

export interface LandmarkBoxRule {
  /** face-api's box size in face-oval extents (its width in oval widths, its height in oval heights). */
  width: number;
  height: number;
  /** How far face-api's box centre lies right of (dx) and below (dy) the oval's centre, in oval widths / heights. */
  dx: number;
  dy: number;
}

export const FACEAPI_LANDMARK_BOX_RULE: Readonly<LandmarkBoxRule> = Object.freeze({ width: 0.961, height: 1.113, dx: -0.012, dy: -0.058 });

/** Axis-aligned extent of the face oval, frame pixels. `points`: 478 × (x, y, z) (FaceLandmarks.points). */
export function faceOvalExtent(points: ArrayLike<number>): Box {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const k of FACE_OVAL) {
    const x = points[3 * k];
    const y = points[3 * k + 1];
    if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) throw new Error(`face landmark ${k} missing or not finite`);
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The box face-api's SSD detector would most likely return for this face, frame pixels. */
export function faceApiBoxFromLandmarks(points: ArrayLike<number>, rule: Readonly<LandmarkBoxRule> = FACEAPI_LANDMARK_BOX_RULE): Box {
  const o = faceOvalExtent(points);
  const cx = o.x + o.width * (0.5 + rule.dx);
  const cy = o.y + o.height * (0.5 + rule.dy);
  const w = rule.width * o.width;
  const h = rule.height * o.height;
  return { x: cx - w / 2, y: cy - h / 2, width: w, height: h };
}

/**
 * The expression crop's box for one face: from its landmarks where the mesh accepts the face, else from
 * BlazeFace's box and eyes (no mesh in the profile, or a mesh fitted to something that is not a face).
 */
export function faceApiBoxForFace(det: FaceDetection, landmarks: FaceLandmarks | undefined): Box {
  return landmarks !== undefined && landmarks.score >= MIN_FACE_PRESENCE ? faceApiBoxFromLandmarks(landmarks.points) : faceApiBoxFromBlazeFace(det);
}
