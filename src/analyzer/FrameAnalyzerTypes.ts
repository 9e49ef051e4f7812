import type { FaceAffect } from '../contracts/affect.js';

export interface FrameAnalyzerOptions {
  /** config analyzer.minFaceScore */
  minFaceScore: number;
  /** config analyzer.maxFaces */
  maxFaces: number;
  /** Frames a face may go undetected before it is lost (its id retired). Default 10. */
  lostAfterFrames?: number;
  /** Attach the 52 blendshape scores to each face (config analyzer.blendshapes). Default false. */
  blendshapes?: boolean;
}

/** FaceAffect.provenance of every face: 'model:<id>@<version>', 'estimator:<name>' or 'unavailable'. */
export interface ProfileProvenance {
  expression: string;
  va: string;
  au: string;
}

/** Wall time of each stage for one frame, ms. Mesh and expression run concurrently. */
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
  timings: StageTimings;
}

export type FrameAnalyzerEvents = {
  /** Faces that will never be reported again (lost by the tracker, or the analyzer closed). */
  faceslost: [faceIds: number[]];
  close: [];
};
