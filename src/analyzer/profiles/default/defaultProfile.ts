// The default profile: BlazeFace + FaceMesh V2 tracking (FrameAnalyzer) + face-api's expression net + MediaPipe FaceMesh V2 and Blendshape V2, all
// real pretrained weights; AUs from the blendshapes through au-map-v1, valence/arousal from the named
// estimator circumplex-v1.
import type { Config } from '../../../config/schema.js';
import { loadVisionModels, visionModelsOptions } from '../../../inference/VisionModels.js';
import type { Logger } from '../../../log/logger.js';
import { FrameAnalyzer, frameAnalyzerOptions } from '../../FrameAnalyzer.js';
import type { AnalysisProfile } from '../AnalysisProfile.js';

export async function loadDefaultProfile(config: Config, logger: Logger): Promise<AnalysisProfile> {
  const models = await loadVisionModels(visionModelsOptions(config, logger));
  const runners = [models.detector, models.expression, ...(models.mesh ? [models.mesh] : []), ...(models.blendshapes ? [models.blendshapes] : [])];
  const version = runners.map((r) => `${r.manifest.id}@${r.manifest.version}`).join('+');
  const log = logger.child({ component: 'profile', profile: 'default' });
  log.info({ models: version }, 'default profile loaded');
  return {
    name: 'default',
    model: { id: 'default', version },
    audioWindowMs: 0,
    execution: models.execution,
    inference: models.monitor,
    createStreamAnalyzer: () => new FrameAnalyzer(models, frameAnalyzerOptions(config), log),
    close: () => models.close(),
  };
}
