// The default profile's vision networks, loaded once per process and shared by every stream's
// FrameAnalyzer (each analyzer keeps its own input buffers, so sharing a session is safe).
import type { Config } from '../config/schema.js';
import type { InferenceRunner } from './InferenceRunner.js';
import { OrtInferenceRunner } from './OrtInferenceRunner.js';
import { loadVerifiedModel } from './verifiedModel.js';

export const MODEL_IDS = { detector: 'blazeface', mesh: 'facemesh', expression: 'faceapi-expression' } as const;

export interface VisionModels {
  readonly detector: InferenceRunner;
  /** null when AUs are switched off: the profile then reports aus as unavailable. */
  readonly mesh: InferenceRunner | null;
  readonly expression: InferenceRunner;
  /** Releases every session; idempotent. */
  close(): Promise<void>;
}

export interface VisionModelsOptions {
  dir: string;
  intraOpNumThreads: number;
  allowUntrained?: boolean;
  /** Load FaceMesh for the geometric AU estimator. Default true. */
  mesh?: boolean;
}

export function visionModelsOptions(config: Config): VisionModelsOptions {
  return { dir: config.models.dir, intraOpNumThreads: config.models.intraOpThreads, allowUntrained: config.models.allowUntrained };
}

export async function loadVisionModels(options: VisionModelsOptions): Promise<VisionModels> {
  const open = async (id: string): Promise<InferenceRunner> =>
    OrtInferenceRunner.create(await loadVerifiedModel(options.dir, id, { allowUntrained: options.allowUntrained ?? false }), {
      intraOpNumThreads: options.intraOpNumThreads,
    });
  const ids = [MODEL_IDS.detector, MODEL_IDS.expression, ...(options.mesh === false ? [] : [MODEL_IDS.mesh])];
  const settled = await Promise.allSettled(ids.map(open));
  const runners = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure !== undefined) {
    // never leave half a profile running
    await Promise.all(runners.map((r) => r.close()));
    throw failure.reason;
  }
  const [detector, expression, mesh] = runners as [InferenceRunner, InferenceRunner, InferenceRunner | undefined];
  let closing: Promise<void> | null = null;
  return {
    detector,
    expression,
    mesh: mesh ?? null,
    close() {
      closing ??= Promise.all(runners.map((r) => r.close())).then(() => undefined);
      return closing;
    },
  };
}
