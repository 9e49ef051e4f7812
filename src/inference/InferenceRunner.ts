// The seam between the analyzer and whatever executes models: in-process onnxruntime today; a worker
// thread, a cross-stream batcher or a remote (KServe v2) server later, behind the same interface.
import type { ModelManifest } from '../models/manifest.js';

/** A dense float32 tensor, row-major, with concrete dims. */
export interface Float32Tensor {
  data: Float32Array;
  dims: readonly number[];
}

export interface InferenceRunner {
  /** The verified manifest the runner was created from; tensor names and shapes come from it. */
  readonly manifest: ModelManifest;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /**
   * Runs one batch. `feeds` must name every manifest input, with dims matching the manifest's numeric
   * dims (symbolic ones, like 'N', are free). Resolves with every manifest output by name.
   */
  run(feeds: Readonly<Record<string, Float32Tensor>>): Promise<Record<string, Float32Tensor>>;
  /** Releases the session. Idempotent; run() after close() rejects. */
  close(): Promise<void>;
}

/** Throws unless `dims` fits the manifest shape (same rank, numeric dims equal). */
export function checkDims(name: string, shape: readonly (number | string)[], dims: readonly number[]): void {
  const fits = shape.length === dims.length && shape.every((s, i) => typeof s === 'string' || s === dims[i]);
  if (!fits) throw new RangeError(`tensor '${name}' has dims [${dims.join(',')}], the manifest says [${shape.join(',')}]`);
}
