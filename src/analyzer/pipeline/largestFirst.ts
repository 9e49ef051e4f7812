import type { FaceDetection } from '../face/FaceDetection.js';

/** Detections by box area, largest first: when a stream has more faces than maxFaces, the nearest are kept. */
export function largestFirst(detections: readonly FaceDetection[]): FaceDetection[] {
  return [...detections].sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
}

/** The detector's own cap: enough candidates that the largest faces survive the area sort (config maxFaces is at most 32). */
export const DETECTOR_CANDIDATES = 32;
