// Batching defaults per execution provider and model, chosen from measurement (README "Batching and
// execution providers"; the numbers and the command that made them are in bench/batching/). Config
// models.batching overrides them per model.
//   cpu   off for every model. On 2 vCPUs with one intra-op thread per session, a batch costs as much per
//         row as single runs (or more), and on the worker pool a batch keeps one thread busy while the others
//         wait: 8 callers got 0.4–0.7x the rows/s of unbatched requests for BlazeFace, FaceMesh V2 and the
//         expression net. Latest-wins sampling per stream already bounds the work.
//   cuda  provisional until bench/gpu/run.sh has been run on a GPU (it measures batches 1–256): a GPU
//         launch at batch 1 leaves most of the device idle, and a 4 ms window costs little against a
//         100 ms frame interval.
//   webgpu  off: unmeasured.
// The blendshape graph takes one face at a time and the avmt step carries its GRU state along dim 1:
// neither can be concatenated along dim 0 (BatchingRunner.isBatchable), whatever the settings.
import { BATCHING_OFF, type BatchSettings, type ExecutionProvider } from './execution.js';

const GPU_PROVISIONAL: BatchSettings = Object.freeze({ windowMs: 4, maxBatch: 32 });

const MEASURED: Readonly<Record<ExecutionProvider, Readonly<Record<string, BatchSettings>>>> = {
  cpu: {},
  // by manifest id (VisionModels' MODEL_IDS, which imports this module through openRunners)
  cuda: { blazeface: GPU_PROVISIONAL, 'mediapipe-facemesh-v2': GPU_PROVISIONAL, 'faceapi-expression': GPU_PROVISIONAL },
  webgpu: {},
};

/** The settings for `model` on `provider`: the configured ones, else the measured default, else off. */
export function batchSettings(model: string, provider: ExecutionProvider, configured: Readonly<Record<string, BatchSettings>> = {}): BatchSettings {
  return configured[model] ?? MEASURED[provider][model] ?? BATCHING_OFF;
}

export const batchingOn = (s: BatchSettings): boolean => s.windowMs > 0 && s.maxBatch > 1;
