import type { FaceAffect } from '../contracts/affect.js';
import type { OneEuroParams } from './smoothing/OneEuroFilter.js';

export interface FrameAnalyzerOptions {
  /** config analyzer.minFaceScore */
  minFaceScore: number;
  /** config analyzer.maxFaces (the largest faces are kept) */
  maxFaces: number;
  /** Frames a face may go undetected before it is lost (its id retired). Default 10. */
  lostAfterFrames?: number;
  /** config analyzer.detectEveryFrames: the detector's interval while every face is followed by its landmarks. Default 10. */
  detectEveryFrames?: number;
  /** Attach the 52 blendshape scores to each face (config analyzer.blendshapes). Default false. */
  blendshapes?: boolean;
  /** Per-face One-Euro smoothing (config analyzer.smoothing when enabled); absent or null: values as the models give them. */
  smoothing?: OneEuroParams | null;
}

/** FaceAffect.provenance of every face: 'model:<id>@<version>', 'estimator:<name>' or 'unavailable'. */
export interface ProfileProvenance {
  expression: string;
  va: string;
  au: string;
}

/**
 * Wall time of each stage for one frame, ms: detect (0 on a frame the detector skipped), mesh (FaceMesh
 * and the blendshape net), expression (the profile's face models: expression and VA nets, or the avmt step).
 */
export interface StageTimings {
  detect: number;
  mesh: number;
  expression: number;
  total: number;
}

export interface FrameAnalysis {
  faces: FaceAffect[];
  /** Face ids lost on this frame: drop any per-face state (e.g. a GRU state) kept for them. */
  lostFaceIds: number[];
  /** Whether the face detector ran on this frame (it is skipped while every tracked face is followed). */
  detected: boolean;
  timings: StageTimings;
}

export type FrameAnalyzerEvents = {
  /** Faces that will never be reported again (lost by the tracker, or the analyzer closed). */
  faceslost: [faceIds: number[]];
  close: [];
};
