// The default profile's per-stream analyzer: the shared face pipeline with FaceMesh V2 tracking (detection
// only when needed, crops following the landmarks) and the default face models (expression, VA, AUs). Without
// FaceMesh (AUs switched off) the detector runs on every frame. One FrameAnalyzer per video stream; the
// networks are shared (VisionModels).
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { VisionModels } from '../inference/VisionModels.js';
import type { FrameAnalyzerOptions, ProfileProvenance } from './FrameAnalyzerTypes.js';
import { DetectingLocator } from './pipeline/DetectingLocator.js';
import { FacePipeline } from './pipeline/FacePipeline.js';
import { MeshTrackingLocator } from './pipeline/MeshTrackingLocator.js';
import { DefaultFaceModels } from './profiles/default/DefaultFaceModels.js';
import { smoothingParams } from './smoothing/smoothingParams.js';

export type { FrameAnalysis, FrameAnalyzerEvents, FrameAnalyzerOptions, ProfileProvenance, StageTimings } from './FrameAnalyzerTypes.js';

export function frameAnalyzerOptions(config: Config): FrameAnalyzerOptions {
  const a = config.analyzer;
  return {
    minFaceScore: a.minFaceScore,
    maxFaces: a.maxFaces,
    lostAfterFrames: a.lostAfterFrames,
    detectEveryFrames: a.detectEveryFrames,
    blendshapes: a.blendshapes,
    smoothing: smoothingParams(config),
  };
}

export class FrameAnalyzer extends FacePipeline {
  readonly provenance: Readonly<ProfileProvenance>;

  constructor(models: VisionModels, options: FrameAnalyzerOptions, logger?: Logger) {
    const located = { minFaceScore: options.minFaceScore, maxFaces: options.maxFaces, lostAfterFrames: options.lostAfterFrames ?? 10 };
    const locator =
      models.mesh === null
        ? new DetectingLocator(models.detector, located)
        : new MeshTrackingLocator(models.detector, models.mesh, { ...located, detectEveryFrames: options.detectEveryFrames ?? 10 });
    const faceModels = new DefaultFaceModels(models, { maxFaces: options.maxFaces, blendshapes: options.blendshapes ?? false });
    super(locator, faceModels, options.smoothing ?? null, logger);
    this.provenance = faceModels.provenance;
  }
}
