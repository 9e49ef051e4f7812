// The BlazeFace-like detection FaceMesh V2's landmarks stand for, fitted on 296 real faces (five photo
// sources, each as is, mirrored, rolled by +-20 degrees and halved) by test/fixtures/landmarkDetectionFit.ts,
// which also scores each source held out of the fit (README, "Tracking"). BlazeFace's box is square, 1.07
// landmark-rectangle widths on an upright face and a little smaller when the head rolls; its centre is the
// rectangle's, 0.013 widths lower. Its keypoints are mesh points: each eye the mean of the iris centre and
// the lower lid's midpoint, the nose tip, the lips' inner midpoints, the face contour at the tragion height.
import type { LandmarkDetectionRule } from './landmarkGeometry.js';

export const LANDMARK_DETECTION_RULE: Readonly<LandmarkDetectionRule> = Object.freeze({
  width: 1.068,
  height: 1.068,
  widthPerRoll: -0.178,
  heightPerRoll: -0.178,
  du: 0,
  dv: 0.013,
  // BLAZEFACE_KEYPOINTS order: rightEye, leftEye, noseTip, mouth, rightEarTragion, leftEarTragion
  keypoints: Object.freeze([[145, 468], [374, 473], [4], [13, 14], [234], [454]]),
});
