// What every model run costs, told to whoever monitors inference (the composition root counts it in
// /metrics): each run's duration from request to result (a worker thread's queue included), and each run
// that fails. The inference layer itself imports no metrics library.
import { EnhancedEventEmitter } from '../events/EnhancedEventEmitter.js';
import type { Float32Tensor, InferenceRunner } from './InferenceRunner.js';

export type InferenceObserverEvents = {
  /** One run (a batch of one or more rows) of `model` took `ms`. */
  run: [model: string, ms: number];
  /** A run of `model` failed: its callers' frames are skipped. */
  runfailed: [model: string];
};

export class InferenceObserver extends EnhancedEventEmitter<InferenceObserverEvents> {}

/** What a profile's inference tells its monitor. */
export interface InferenceMonitor {
  readonly observer: InferenceObserver;
  /** Inference worker threads alive now (0 when the models run on the main thread). */
  workers(): number;
}

export class ObservedRunner implements InferenceRunner {
  readonly #inner: InferenceRunner;
  readonly #observer: InferenceObserver;

  constructor(inner: InferenceRunner, observer: InferenceObserver) {
    this.#inner = inner;
    this.#observer = observer;
  }

  get manifest(): InferenceRunner['manifest'] {
    return this.#inner.manifest;
  }

  get inputNames(): readonly string[] {
    return this.#inner.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.#inner.outputNames;
  }

  async run(feeds: Readonly<Record<string, Float32Tensor>>): Promise<Record<string, Float32Tensor>> {
    const start = performance.now();
    try {
      const outputs = await this.#inner.run(feeds);
      this.#observer.safeEmit('run', this.#inner.manifest.id, performance.now() - start);
      return outputs;
    } catch (error) {
      this.#observer.safeEmit('runfailed', this.#inner.manifest.id);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
