// The stages of the face pipeline every profile shares (FacePipeline): a locator finds the faces of a frame
// and keeps their ids (detect → track), the profile's face models turn each located face into affect values
// (crop → models). The pipeline then adds the geometry, smooths, and reports lost ids.
import type { FaceAffect } from '../../contracts/affect.js';
import type { FaceDetection } from '../face/FaceDetection.js';
import type { FaceLandmarks } from '../face/FaceMesh.js';
import type { StageTimings } from '../FrameAnalyzerTypes.js';
import type { VideoFrame } from '../media/frames.js';

export interface LocatedFace {
  faceId: number;
  /** BlazeFace's detection, or the BlazeFace-like one derived from landmarks on a frame the detector skipped. */
  detection: FaceDetection;
  /** FaceMesh V2's landmarks of this frame, when the locator has them and the mesh accepts the face (presence >= 0.5). */
  landmarks: FaceLandmarks | null;
}

export interface FaceLocation {
  faces: LocatedFace[];
  /** Ids whose tracks ended on this frame; they are never reported again. */
  lost: number[];
  /** Whether the detector ran on this frame. */
  detected: boolean;
}

export interface FaceLocator {
  /** Adds its stage times (detect, mesh) to `timings`. */
  locate(frame: VideoFrame, timings: StageTimings): Promise<FaceLocation>;
  /** Ends every track; returns their ids. */
  reset(): number[];
}

/** What a profile's models say about one face: everything of a FaceAffect but its identity and geometry. */
export type FaceValues = Omit<FaceAffect, 'faceId' | 'box' | 'score' | 'raw'>;

export interface FaceModels {
  /** One entry per face, null for a face the models cannot read (e.g. no pixels of it inside the frame). Adds its time to `timings`. */
  infer(frame: VideoFrame, faces: readonly LocatedFace[], timings: StageTimings): Promise<Array<FaceValues | null>>;
  /** Drops per-face state (e.g. a recurrent state) of ended tracks. */
  forget(faceIds: readonly number[]): void;
}
