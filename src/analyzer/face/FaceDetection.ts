// What the face detector hands to the tracker and the crops: frame-pixel geometry plus a score.
import type { Box, Point } from '../image/geometry.js';

/**
 * BlazeFace's 6 keypoints in output order. MediaPipe names them from the subject's point of view:
 * "right eye" is the subject's right eye, which appears on the image's LEFT in a non-mirrored frame.
 * (@vladmandic/human's blazeFaceLandmarks calls index 0 'leftEye' and 1 'rightEye', naming them by image
 * side; same order.) Tested on real faces: keypoint 0 lies left of keypoint 1 on a frontal face.
 */
export const BLAZEFACE_KEYPOINTS = ['rightEye', 'leftEye', 'noseTip', 'mouth', 'rightEarTragion', 'leftEarTragion'] as const;
export type BlazeFaceKeypoint = (typeof BLAZEFACE_KEYPOINTS)[number];
export const KP = {
  rightEye: 0,
  leftEye: 1,
  noseTip: 2,
  mouth: 3,
  rightEarTragion: 4,
  leftEarTragion: 5,
} as const satisfies Record<BlazeFaceKeypoint, number>;

export interface FaceDetection {
  /** Continuous frame-pixel coordinates (may extend past the frame edge). */
  box: Box;
  /** BLAZEFACE_KEYPOINTS, frame pixels. */
  keypoints: Point[];
  /** Detector confidence 0..1. */
  score: number;
}
