// What actually runs each model: the provider asked for, the one that runs (they differ after a fallback,
// and then the reason says why), its threads and its batching. /healthz and the bench report this.
import type { Config } from '../config/schema.js';

export type ExecutionProvider = Config['models']['executionProvider'];

/** Cross-stream batching of one model; windowMs 0 or maxBatch 1 is off. */
export interface BatchSettings {
  windowMs: number;
  maxBatch: number;
}

export const BATCHING_OFF: BatchSettings = Object.freeze({ windowMs: 0, maxBatch: 1 });

/** One session's execution, as the runner that created it found it. */
export interface SessionExecution {
  model: string;
  requested: ExecutionProvider;
  provider: ExecutionProvider;
  intraOpThreads: number;
  /** Why `requested` could not start, when provider differs from it. */
  fallbackReason?: string;
}

export interface ModelExecution extends SessionExecution {
  batch: BatchSettings;
}
