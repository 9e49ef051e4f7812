// Geometry read off FaceMesh V2's landmarks, for following a face without running the detector: the face's
// roll, its rotated bounding rectangle, the mesh crop for the next frame, and a BlazeFace-like detection
// (box + 6 keypoints) for the crops that were built around BlazeFace (expression, alignment).
import { squareCropAffine, type Affine, type Point } from '../image/geometry.js';
import type { FaceDetection } from './FaceDetection.js';
import { FACEMESH_CROP_SCALE } from './FaceMesh.js';

/** The face mesh proper; 468..477 are the irises, which add nothing to the face's extent. */
export const MESH_FACE_POINTS = 468;
/**
 * Eye outer corners, subject's right (image-left on a non-mirrored frame) then left: the points MediaPipe's
 * face landmark graph takes the ROI rotation from (rotation_vector_start/end_keypoint_index 33 and 263).
 */
export const ROLL_LANDMARKS = { rightEyeOuter: 33, leftEyeOuter: 263 } as const;

/** A rectangle in the face's own frame: centre, unit axes (u along the eye line, v towards the chin), size. */
export interface FaceRect {
  centre: Point;
  /** Eye-line angle in radians (0 on an upright face); the rect's u axis is (cos, sin). */
  roll: number;
  /** Extent along u and v. */
  width: number;
  height: number;
}

function point(points: Float32Array, k: number): Point {
  return { x: points[3 * k] as number, y: points[3 * k + 1] as number };
}

/** Head roll from the eye corners, in the convention of the mesh crop (roiCrop). */
export function rollFromLandmarks(points: Float32Array): number {
  const r = point(points, ROLL_LANDMARKS.rightEyeOuter);
  const l = point(points, ROLL_LANDMARKS.leftEyeOuter);
  return Math.atan2(l.y - r.y, l.x - r.x);
}

/** The mesh points' bounding rectangle in the face's own frame (rotated by the roll): roll-invariant in size. */
export function landmarkRect(points: Float32Array): FaceRect {
  const roll = rollFromLandmarks(points);
  const cos = Math.cos(roll);
  const sin = Math.sin(roll);
  let u0 = Infinity, u1 = -Infinity, v0 = Infinity, v1 = -Infinity;
  for (let k = 0; k < MESH_FACE_POINTS; k++) {
    const x = points[3 * k] as number;
    const y = points[3 * k + 1] as number;
    const u = x * cos + y * sin;
    const v = -x * sin + y * cos;
    if (u < u0) u0 = u;
    if (u > u1) u1 = u;
    if (v < v0) v0 = v;
    if (v > v1) v1 = v;
  }
  const uc = (u0 + u1) / 2;
  const vc = (v0 + v1) / 2;
  return { centre: { x: uc * cos - vc * sin, y: uc * sin + vc * cos }, roll, width: u1 - u0, height: v1 - v0 };
}

/**
 * The next frame's mesh crop from this frame's landmarks, as MediaPipe's face landmark graph does between
 * detections: the landmarks' rectangle, rotated by the eye line, squared to its longer side and enlarged
 * 1.5× (the same RectTransformation the detection ROI gets), so the crop follows the face.
 */
export function meshCropFromLandmarks(points: Float32Array, size: number, scale = FACEMESH_CROP_SCALE): Affine {
  const rect = landmarkRect(points);
  return squareCropAffine(rect.centre, Math.max(rect.width, rect.height) * scale, rect.roll, size, size);
}

/**
 * How a BlazeFace detection relates to the landmarks of the same face, measured on real faces
 * (test/fixtures/landmarkDetectionFit.ts fits it; the README's "Tracking" section gives the figures).
 * Sizes and offsets are in units of the landmark rectangle's width (roll-invariant).
 */
export interface LandmarkDetectionRule {
  /** BlazeFace box width and height for an upright face. */
  width: number;
  height: number;
  /** Growth of the axis-aligned BlazeFace box's width and height with |sin roll| (a rolled face fills more of it). */
  widthPerRoll: number;
  heightPerRoll: number;
  /** BlazeFace box centre relative to the landmark rectangle's centre, along the face's own axes (u: eye line, v: towards the chin). */
  du: number;
  dv: number;
  /** Mesh landmark (or landmarks, averaged) nearest each BlazeFace keypoint, in BLAZEFACE_KEYPOINTS order. */
  keypoints: readonly (readonly number[])[];
}

/**
 * How one face's BlazeFace box differed from the rule's prediction on the last frame both were known:
 * size ratio, and centre offset along the face's axes in landmark-rectangle widths. Applied while the face is
 * followed, it keeps the box continuous with the detector's (no jump at each detection, and the expression
 * crop stays the one the detector's box gave) while the landmarks carry it along.
 */
export interface BoxCalibration {
  scale: number;
  du: number;
  dv: number;
}

export const NO_CALIBRATION: Readonly<BoxCalibration> = Object.freeze({ scale: 1, du: 0, dv: 0 });

/** A BlazeFace-like detection derived from landmarks; `score` is the mesh's face presence. */
export function detectionFromLandmarks(
  points: Float32Array,
  score: number,
  rule: Readonly<LandmarkDetectionRule>,
  calibration: Readonly<BoxCalibration> = NO_CALIBRATION,
): FaceDetection {
  const rect = landmarkRect(points);
  const cos = Math.cos(rect.roll);
  const sin = Math.sin(rect.roll);
  const s = Math.abs(sin);
  const w = rect.width;
  const du = (rule.du + calibration.du) * w;
  const dv = (rule.dv + calibration.dv) * w;
  const cx = rect.centre.x + du * cos - dv * sin;
  const cy = rect.centre.y + du * sin + dv * cos;
  const bw = (rule.width + rule.widthPerRoll * s) * w * calibration.scale;
  const bh = (rule.height + rule.heightPerRoll * s) * w * calibration.scale;
  const keypoints = rule.keypoints.map((ids) => {
    let x = 0, y = 0;
    for (const k of ids) {
      x += points[3 * k] as number;
      y += points[3 * k + 1] as number;
    }
    return { x: x / ids.length, y: y / ids.length };
  });
  return { box: { x: cx - bw / 2, y: cy - bh / 2, width: bw, height: bh }, keypoints, score };
}

/** The calibration that makes detectionFromLandmarks(points) reproduce `detection`'s box (same frame). */
export function calibrateToDetection(points: Float32Array, detection: FaceDetection, rule: Readonly<LandmarkDetectionRule>): BoxCalibration {
  const predicted = detectionFromLandmarks(points, 1, rule).box;
  const rect = landmarkRect(points);
  if (!(predicted.width > 0 && rect.width > 0)) return { ...NO_CALIBRATION };
  const dx = detection.box.x + detection.box.width / 2 - (predicted.x + predicted.width / 2);
  const dy = detection.box.y + detection.box.height / 2 - (predicted.y + predicted.height / 2);
  const cos = Math.cos(rect.roll);
  const sin = Math.sin(rect.roll);
  return { scale: detection.box.width / predicted.width, du: (dx * cos + dy * sin) / rect.width, dv: (-dx * sin + dy * cos) / rect.width };
}
