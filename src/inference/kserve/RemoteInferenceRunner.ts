// InferenceRunner for one model on the KServe v2 server, with its local runner beside it: a batch the
// server cannot run (after retries) runs locally instead, so the caller always gets the model's outputs.
import { performance } from 'node:perf_hooks';
import type { ModelManifest } from '../../models/manifest.js';
import { checkDims, type Float32Tensor, type InferenceRunner } from '../InferenceRunner.js';
import type { KserveBackend } from './KserveBackend.js';

export class RemoteInferenceRunner implements InferenceRunner {
  readonly manifest: ModelManifest;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly #backend: KserveBackend;
  readonly #local: InferenceRunner;
  #closed = false;

  constructor(backend: KserveBackend, local: InferenceRunner) {
    this.manifest = local.manifest;
    this.inputNames = local.inputNames;
    this.outputNames = local.outputNames;
    this.#backend = backend;
    this.#local = local;
  }

  async run(feeds: Readonly<Record<string, Float32Tensor>>): Promise<Record<string, Float32Tensor>> {
    if (this.#closed) throw new Error(`model '${this.manifest.id}': runner is closed`);
    // the caller's mistakes are the caller's, wherever the model runs: check before choosing
    for (const spec of this.manifest.inputs) {
      const t = feeds[spec.name];
      if (t === undefined) throw new RangeError(`model '${this.manifest.id}': missing input '${spec.name}'`);
      checkDims(spec.name, spec.shape, t.dims);
    }
    const started = performance.now();
    let attempts = 0;
    if (this.#backend.serving) {
      const epoch = this.#backend.epoch;
      const remote = await this.#backend.infer(this.manifest, feeds);
      if (remote.ok) {
        this.#report('remote', remote.attempts, started);
        return remote.outputs;
      }
      attempts = remote.attempts;
      this.#backend.fail(remote.failure, this.manifest.id, epoch);
    } else {
      this.#backend.probeIfDue();
    }
    const outputs = await this.#local.run(feeds);
    this.#report('local', attempts, started);
    return outputs;
  }

  /** Closes this view; the local runner and the backend belong to whoever opened them. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  #report(ranOn: 'remote' | 'local', attempts: number, started: number): void {
    this.#backend.observer.safeEmit('request', { model: this.manifest.id, ranOn, attempts, ms: performance.now() - started });
  }
}
