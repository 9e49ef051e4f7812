// Detect → track that saves work, as MediaPipe's face landmark pipeline does: the detector runs only when it
// must (no face tracked, a track lost, or every `detectEveryFrames` frames to find newcomers); between
// detections each face's FaceMesh crop comes from its previous frame's landmarks (their rotated rectangle,
// squared and enlarged 1.5×). A face whose mesh presence falls below 0.5 (MediaPipe's
// min_face_presence_confidence) has lost its landmark track: the detector runs on that same frame, and the
// face keeps its id if it is found within lostAfterFrames. On a frame the detector skipped, the crops built
// around BlazeFace (expression, alignment) get a BlazeFace-like detection derived from the landmarks.
import type { Affine, Box } from '../image/geometry.js';
import type { InferenceRunner } from '../../inference/InferenceRunner.js';
import { BlazeFaceDetector } from '../face/BlazeFaceDetector.js';
import { FaceMesh, type FaceLandmarks } from '../face/FaceMesh.js';
import { FaceTracker } from '../face/FaceTracker.js';
import { LANDMARK_DETECTION_RULE } from '../face/landmarkDetectionRule.js';
import { detectionFromLandmarks, meshCropFromLandmarks } from '../face/landmarkGeometry.js';
import type { StageTimings } from '../FrameAnalyzerTypes.js';
import type { VideoFrame } from '../media/frames.js';
import type { LocatorOptions } from './DetectingLocator.js';
import type { FaceLocation, FaceLocator, LocatedFace } from './faceStages.js';
import { DETECTOR_CANDIDATES, largestFirst } from './largestFirst.js';

/** MediaPipe face landmarker's min_face_presence_confidence default. */
export const MIN_FACE_PRESENCE = 0.5;

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
    const followed = new Map<number, Box>(held.map((f) => [f.faceId, f.detection.box]));
    const mustDetect = held.length === 0 || held.length < this.#tracker.size || this.#sinceDetection >= this.#detectEvery;
    if (!mustDetect) {
      this.#tracker.update([], { followed });
      return { faces: held, lost: [], detected: false };
    }
    const t0 = performance.now();
    const detections = largestFirst(await this.#detector.detect(frame));
    timings.detect += performance.now() - t0;
    this.#sinceDetection = 0;
    const { faces: found, lost } = this.#tracker.update(detections, { followed, maxTracks: this.#maxFaces });
    for (const id of lost) this.#crops.delete(id);
    const landmarks = await this.#timedMesh(timings, () => this.#mesh.landmarks(frame, found.map((f) => f.detection)));
    const fresh = found.map((f, i): LocatedFace => {
      const lm = landmarks[i];
      const accepted = lm !== undefined && lm.score >= MIN_FACE_PRESENCE;
      if (accepted) this.#crops.set(f.faceId, meshCropFromLandmarks(lm.points, this.#mesh.inputSize));
      // a detection the mesh does not accept as a face is still reported (from the detection), without landmarks
      return { faceId: f.faceId, detection: f.detection, landmarks: accepted ? lm : null };
    });
    return { faces: [...held, ...fresh].sort((a, b) => a.faceId - b.faceId), lost, detected: true };
  }

  reset(): number[] {
    this.#crops.clear();
    this.#sinceDetection = 0;
    return this.#tracker.reset();
  }

  /** The mesh on every face's crop from its previous landmarks; the faces it still accepts. */
  async #follow(frame: VideoFrame, timings: StageTimings): Promise<LocatedFace[]> {
    if (this.#crops.size === 0) return [];
    const ids = [...this.#crops.keys()];
    const landmarks = await this.#timedMesh(timings, () => this.#mesh.landmarksInCrops(frame, ids.map((id) => this.#crops.get(id) as Affine)));
    const held: LocatedFace[] = [];
    ids.forEach((faceId, i) => {
      const lm = landmarks[i];
      if (lm === undefined || lm.score < MIN_FACE_PRESENCE) {
        this.#crops.delete(faceId); // the landmark track is lost: the detector looks for the face this frame
        return;
      }
      this.#crops.set(faceId, meshCropFromLandmarks(lm.points, this.#mesh.inputSize));
      held.push({ faceId, detection: detectionFromLandmarks(lm.points, lm.score, LANDMARK_DETECTION_RULE), landmarks: lm });
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
