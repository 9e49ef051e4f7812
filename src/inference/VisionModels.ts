// The default profile's vision networks, loaded once per process and shared by every stream's
// FrameAnalyzer (each analyzer keeps its own input buffers, so sharing a session is safe).
import type { Config } from '../config/schema.js';
import type { ExecutionProvider, BatchSettings, ModelExecution } from './execution.js';
import type { InferenceMonitor } from './ObservedRunner.js';
import type { InferenceRunner } from './InferenceRunner.js';
import type { RemoteInferenceConfig } from './kserve/openRemoteRunners.js';
import { openRunners } from './openRunners.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { loadUserVaModel } from './userVaModel.js';
import { loadVerifiedModel } from './verifiedModel.js';

export const MODEL_IDS = {
  detector: 'blazeface',
  mesh: 'mediapipe-facemesh-v2',
  blendshapes: 'mediapipe-blendshapes',
  expression: 'faceapi-expression',
} as const;

export interface VisionModels {
  readonly detector: InferenceRunner;
  /** FaceMesh V2 and Blendshape V2; null when AUs are switched off: the profile then reports aus as unavailable. */
  readonly mesh: InferenceRunner | null;
  readonly blendshapes: InferenceRunner | null;
  readonly expression: InferenceRunner;
  /** The user's trained valence/arousal network (config models.va), or null: VA then comes from the circumplex estimator. */
  readonly va: InferenceRunner | null;
  /** What runs each model: provider, threads, batching. */
  readonly execution: readonly ModelExecution[];
  /** Run durations, failed runs and live threads, for metrics. */
  readonly monitor: InferenceMonitor;
  /** Releases every session; idempotent. */
  close(): Promise<void>;
}

export interface VisionModelsOptions {
  dir: string;
  intraOpNumThreads: number;
  /** Worker threads for inference; 0 or absent: in-process (see openRunners). */
  inferenceThreads?: number;
  /** config models.executionProvider / providers / batching */
  executionProvider?: ExecutionProvider;
  providers?: Readonly<Record<string, ExecutionProvider>>;
  batching?: Readonly<Record<string, BatchSettings>>;
  allowUntrained?: boolean;
  /** Load FaceMesh V2 and the blendshape net (the AUs' source). Default true. */
  mesh?: boolean;
  /** config models.va */
  va?: { file: string; acceptSha256?: string | undefined } | undefined;
  logger?: Logger;
  /** config inference.remote */
  remote?: RemoteInferenceConfig | undefined;
}

export function visionModelsOptions(config: Config, logger?: Logger): VisionModelsOptions {
  return {
    dir: config.models.dir,
    intraOpNumThreads: config.models.intraOpThreads,
    inferenceThreads: config.models.inferenceThreads,
    executionProvider: config.models.executionProvider,
    providers: config.models.providers,
    batching: config.models.batching,
    allowUntrained: config.models.allowUntrained,
    va: config.models.va,
    remote: config.inference.remote,
    ...(logger ? { logger } : {}),
  };
}

export async function loadVisionModels(options: VisionModelsOptions): Promise<VisionModels> {
  const ids = [MODEL_IDS.detector, MODEL_IDS.expression, ...(options.mesh === false ? [] : [MODEL_IDS.mesh, MODEL_IDS.blendshapes])];
  // verify every file against its manifest before any session or thread starts
  const models = await Promise.all(ids.map((id) => loadVerifiedModel(options.dir, id, { allowUntrained: options.allowUntrained ?? false })));
  const va = options.va === undefined ? null : await loadUserVaModel(options.va);
  if (va !== null) models.push(va);
  const runners = await openRunners(models, {
    threads: options.inferenceThreads ?? 0,
    intraOpNumThreads: options.intraOpNumThreads,
    executionProvider: options.executionProvider,
    providers: options.providers,
    batching: options.batching,
    logger: options.logger ?? silentLogger(),
    remote: options.remote,
  });
  return {
    detector: runners.runner(MODEL_IDS.detector),
    expression: runners.runner(MODEL_IDS.expression),
    mesh: options.mesh === false ? null : runners.runner(MODEL_IDS.mesh),
    blendshapes: options.mesh === false ? null : runners.runner(MODEL_IDS.blendshapes),
    va: va === null ? null : runners.runner(va.manifest.id),
    execution: runners.execution,
    monitor: runners,
    close: () => runners.close(),
  };
}
