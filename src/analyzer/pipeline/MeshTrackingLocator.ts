// Detect → track that saves work, as MediaPipe's face landmark pipeline does: the detector runs only when it
// must (no face tracked, a track lost, or every `detectEveryFrames` frames to find newcomers); between
// detections each face's FaceMesh crop comes from its previous frame's landmarks (their rotated rectangle,
// squared and enlarged 1.5×). A face whose mesh presence falls below 0.5 (MediaPipe's
// min_face_presence_confidence) has lost its landmark track: the detector runs on that same frame, and the
// face keeps its id if it is found within lostAfterFrames. On a frame the detector skipped, the crops built
// around BlazeFace (expression, alignment) get a BlazeFace-like detection derived from the landmarks: the
// general rule (landmarkDetectionRule.ts), calibrated per face to its last detector box so that the box does
// not jump between the two sources.
import type { Affine, Box } from '../image/geometry.js';
import type { InferenceRunner } from '../../inference/InferenceRunner.js';
import { BlazeFaceDetector } from '../face/BlazeFaceDetector.js';
import { FaceMesh, MIN_FACE_PRESENCE, type FaceLandmarks } from '../face/FaceMesh.js';
import { FaceTracker } from '../face/FaceTracker.js';
import { LANDMARK_DETECTION_RULE } from '../face/landmarkDetectionRule.js';
import type { FaceDetection } from '../face/FaceDetection.js';
import { calibrateToDetection, detectionFromLandmarks, meshCropFromLandmarks, type BoxCalibration } from '../face/landmarkGeometry.js';
import type { StageTimings } from '../FrameAnalyzerTypes.js';
import type { VideoFrame } from '../media/frames.js';
import type { LocatorOptions } from './DetectingLocator.js';
import type { FaceLocation, FaceLocator, LocatedFace } from './faceStages.js';
import { DETECTOR_CANDIDATES, largestFirst } from './largestFirst.js';

export interface MeshTrackingOptions extends LocatorOptions {
  /** config analyzer.detectEveryFrames */
  detectEveryFrames: number;
}

export class MeshTrackingLocator implements FaceLocator {
  readonly #detector: BlazeFaceDetector;
  readonly #mesh: FaceMesh;
  readonly #tracker: FaceTracker;
  readonly #maxFaces: number;
  readonly #detectEvery: number;
  /** Next frame's mesh crop of every face whose landmarks held on the last frame it was seen. */
  readonly #crops = new Map<number, Affine>();
  /** Per face: how its detector box differed from the landmark rule when last seen by both. */
  readonly #calibrations = new Map<number, BoxCalibration>();
  #sinceDetection = 0;

  constructor(detector: InferenceRunner, mesh: InferenceRunner, options: MeshTrackingOptions) {
    this.#detector = new BlazeFaceDetector(detector, { minScore: options.minFaceScore, maxFaces: DETECTOR_CANDIDATES });
    this.#mesh = new FaceMesh(mesh, { maxBatch: options.maxFaces });
    this.#tracker = new FaceTracker({ lostAfterFrames: options.lostAfterFrames });
    this.#maxFaces = options.maxFaces;
    this.#detectEvery = options.detectEveryFrames;
  }

  async locate(frame: VideoFrame, timings: StageTimings): Promise<FaceLocation> {
    const held = await this.#follow(frame, timings);
    this.#sinceDetection++;
    const followed = new Map<number, Box>(held.map((f) => [f.faceId, this.#derived(f.faceId, f.landmarks).box]));
    const mustDetect = held.length === 0 || held.length < this.#tracker.size || this.#sinceDetection >= this.#detectEvery;
    if (!mustDetect) {
      this.#tracker.update([], { followed });
      return { faces: held.map((f) => this.#located(f.faceId, f.landmarks)), lost: [], detected: false };
    }
    const t0 = performance.now();
    const detections = largestFirst(await this.#detector.detect(frame));
    timings.detect += performance.now() - t0;
    this.#sinceDetection = 0;
    const { faces: found, followedDetections, lost } = this.#tracker.update(detections, { followed, maxTracks: this.#maxFaces });
    for (const id of lost) this.#forget(id);
    // a followed face the detector also found: its box is recalibrated to the detector's
    const heldLandmarks = new Map(held.map((f) => [f.faceId, f.landmarks]));
    for (const { faceId, detection } of followedDetections) {
      const lm = heldLandmarks.get(faceId);
      if (lm !== undefined) this.#calibrations.set(faceId, calibrateToDetection(lm.points, detection, LANDMARK_DETECTION_RULE));
    }
    const landmarks = await this.#timedMesh(timings, () => this.#mesh.landmarks(frame, found.map((f) => f.detection)));
    const fresh = found.map((f, i): LocatedFace => {
      const lm = landmarks[i];
      if (lm === undefined || lm.score < MIN_FACE_PRESENCE) {
        // a detection the mesh does not accept as a face is still reported (from the detection), without landmarks
        return { faceId: f.faceId, detection: f.detection, landmarks: null };
      }
      this.#crops.set(f.faceId, meshCropFromLandmarks(lm.points, this.#mesh.inputSize));
      this.#calibrations.set(f.faceId, calibrateToDetection(lm.points, f.detection, LANDMARK_DETECTION_RULE));
      return { faceId: f.faceId, detection: f.detection, landmarks: lm };
    });
    const faces = [...held.map((f) => this.#located(f.faceId, f.landmarks)), ...fresh];
    return { faces: faces.sort((a, b) => a.faceId - b.faceId), lost, detected: true };
  }

  reset(): number[] {
    this.#crops.clear();
    this.#calibrations.clear();
    this.#sinceDetection = 0;
    return this.#tracker.reset();
  }

  #forget(faceId: number): void {
    this.#crops.delete(faceId);
    this.#calibrations.delete(faceId);
  }

  #derived(faceId: number, landmarks: FaceLandmarks): FaceDetection {
    return detectionFromLandmarks(landmarks.points, landmarks.score, LANDMARK_DETECTION_RULE, this.#calibrations.get(faceId));
  }

  #located(faceId: number, landmarks: FaceLandmarks): LocatedFace {
    return { faceId, detection: this.#derived(faceId, landmarks), landmarks };
  }

  /** The mesh on every face's crop from its previous landmarks; the faces it still accepts, with their new crops set. */
  async #follow(frame: VideoFrame, timings: StageTimings): Promise<Array<{ faceId: number; landmarks: FaceLandmarks }>> {
    if (this.#crops.size === 0) return [];
    const ids = [...this.#crops.keys()];
    const landmarks = await this.#timedMesh(timings, () => this.#mesh.landmarksInCrops(frame, ids.map((id) => this.#crops.get(id) as Affine)));
    const held: Array<{ faceId: number; landmarks: FaceLandmarks }> = [];
    ids.forEach((faceId, i) => {
      const lm = landmarks[i];
      if (lm === undefined || lm.score < MIN_FACE_PRESENCE) {
        this.#crops.delete(faceId); // the landmark track is lost: the detector looks for the face this frame
        return;
      }
      this.#crops.set(faceId, meshCropFromLandmarks(lm.points, this.#mesh.inputSize));
      held.push({ faceId, landmarks: lm });
    });
    return held;
  }

  async #timedMesh(timings: StageTimings, run: () => Promise<FaceLandmarks[]>): Promise<FaceLandmarks[]> {
    const t0 = performance.now();
    const out = await run();
    timings.mesh += performance.now() - t0;
    return out;
  }
}
