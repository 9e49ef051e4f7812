// Messages between an InferencePool and its worker threads. Inputs are copied into the message (callers
// reuse their input buffers); outputs are transferred back (the worker allocates them per run).
import type { ExecutionProvider, SessionExecution } from '../execution.js';
import type { Float32Tensor } from '../InferenceRunner.js';
import type { VerifiedModel } from '../verifiedModel.js';

export type ToWorker =
  | { type: 'init'; models: VerifiedModel[]; intraOpNumThreads: number; providers: Record<string, ExecutionProvider> }
  | { type: 'run'; id: number; model: string; feeds: Record<string, Float32Tensor> };

export type FromWorker =
  | { type: 'ready'; execution: SessionExecution[] }
  | { type: 'init-error'; message: string }
  | { type: 'result'; id: number; outputs: Record<string, Float32Tensor> }
  | { type: 'error'; id: number; message: string };
