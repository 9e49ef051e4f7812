// Detect → track on every frame: the locator for profiles without landmarks (avmt, or the default profile
// with FaceMesh switched off). Each frame's detections are matched to the tracks; the largest faces win
// when there are more than maxFaces.
import { BlazeFaceDetector } from '../face/BlazeFaceDetector.js';
import { FaceTracker } from '../face/FaceTracker.js';
import type { StageTimings } from '../FrameAnalyzerTypes.js';
import type { InferenceRunner } from '../../inference/InferenceRunner.js';
import type { VideoFrame } from '../media/frames.js';
import type { FaceLocation, FaceLocator } from './faceStages.js';
import { DETECTOR_CANDIDATES, largestFirst } from './largestFirst.js';

export interface LocatorOptions {
  /** config analyzer.minFaceScore */
  minFaceScore: number;
  /** config analyzer.maxFaces */
  maxFaces: number;
  /** config analyzer.lostAfterFrames */
  lostAfterFrames: number;
}

export class DetectingLocator implements FaceLocator {
  readonly #detector: BlazeFaceDetector;
  readonly #tracker: FaceTracker;
  readonly #maxFaces: number;

  constructor(detector: InferenceRunner, options: LocatorOptions) {
    this.#detector = new BlazeFaceDetector(detector, { minScore: options.minFaceScore, maxFaces: DETECTOR_CANDIDATES });
    this.#tracker = new FaceTracker({ lostAfterFrames: options.lostAfterFrames });
    this.#maxFaces = options.maxFaces;
  }

  async locate(frame: VideoFrame, timings: StageTimings): Promise<FaceLocation> {
    const t0 = performance.now();
    const detections = largestFirst(await this.#detector.detect(frame));
    timings.detect += performance.now() - t0;
    const { faces, lost } = this.#tracker.update(detections, { maxTracks: this.#maxFaces });
    return { faces: faces.map((f) => ({ faceId: f.faceId, detection: f.detection, landmarks: null })), lost, detected: true };
  }

  reset(): number[] {
    return this.#tracker.reset();
  }
}
