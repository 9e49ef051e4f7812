// Runs models on worker threads, one onnxruntime session per model in each thread, so inference neither
// blocks the event loop nor waits for another stream's frame while a core is idle. Each request goes to
// the thread with the fewest requests in flight. A thread that dies is replaced; its requests reject.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log/logger.js';
import type { ExecutionProvider, SessionExecution } from './execution.js';
import { checkDims, type Float32Tensor, type InferenceRunner } from './InferenceRunner.js';
import type { VerifiedModel } from './verifiedModel.js';
import type { FromWorker, ToWorker } from './worker/protocol.js';

export interface InferencePoolOptions {
  /** Worker threads (config models.inferenceThreads). */
  threads: number;
  /** onnxruntime intra-op threads per session. */
  intraOpNumThreads: number;
  /** Execution provider by model id; cpu where absent. One that cannot start falls back to cpu (logged). */
  providers?: Readonly<Record<string, ExecutionProvider>> | undefined;
  logger: Logger;
}

interface Pending {
  resolve: (outputs: Record<string, Float32Tensor>) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * The compiled worker is the .js sibling. Run from the TypeScript sources (the tests use tsx), the thread
 * must register tsx's loader itself before importing the .ts file: Node 20 applies neither the parent's
 * loader hooks nor its --import preloads to a worker's entry point.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker/inferenceWorker.js', import.meta.url));
  const entry = new URL('./worker/inferenceWorker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
}

export class InferencePool {
  readonly #models: VerifiedModel[];
  readonly #options: InferencePoolOptions;
  readonly #log: Logger;
  readonly #slots: Slot[] = [];
  #nextId = 1;
  #closed = false;
  #execution: readonly SessionExecution[] = [];

  private constructor(models: VerifiedModel[], options: InferencePoolOptions) {
    this.#models = models;
    this.#options = options;
    this.#log = options.logger.child({ component: 'inference-pool' });
  }

  /** Starts the threads and resolves once every one holds every model. */
  static async start(models: VerifiedModel[], options: InferencePoolOptions): Promise<InferencePool> {
    const pool = new InferencePool(models, { ...options, threads: Math.max(1, Math.min(options.threads, os.availableParallelism() * 2)) });
    try {
      for (let i = 0; i < pool.#options.threads; i++) pool.#slots.push(await pool.#spawn());
    } catch (error) {
      await pool.close();
      throw error;
    }
    for (const e of pool.#execution) {
      if (e.fallbackReason !== undefined) pool.#log.warn({ model: e.model, requested: e.requested, provider: e.provider, reason: e.fallbackReason }, `model '${e.model}' runs on ${e.provider}: ${e.requested} could not start`);
    }
    pool.#log.info({ threads: pool.#slots.length, execution: pool.#execution }, 'inference threads ready');
    return pool;
  }

  get threads(): number {
    return this.#slots.length;
  }

  /** What runs each model (every thread opens the same sessions; this is the first thread's report). */
  get execution(): readonly SessionExecution[] {
    return this.#execution;
  }

  /** An InferenceRunner for one of the pool's models. */
  runner(id: string): InferenceRunner {
    const model = this.#models.find((m) => m.manifest.id === id);
    if (!model) throw new RangeError(`model '${id}' is not in this inference pool`);
    const { manifest } = model;
    return {
      manifest,
      inputNames: manifest.inputs.map((t) => t.name),
      outputNames: manifest.outputs.map((t) => t.name),
      run: (feeds) => {
        for (const spec of manifest.inputs) {
          const t = feeds[spec.name];
          if (t === undefined) return Promise.reject(new RangeError(`model '${id}': missing input '${spec.name}'`));
          checkDims(spec.name, spec.shape, t.dims);
        }
        return this.#run(id, feeds);
      },
      // the pool owns the sessions: closing one runner view closes nothing
      close: async () => undefined,
    };
  }

  /** Idempotent: ends every thread; requests still in flight reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#slots.splice(0).map((slot) => this.#stop(slot, new Error('the inference pool closed'))));
  }

  #run(model: string, feeds: Readonly<Record<string, Float32Tensor>>): Promise<Record<string, Float32Tensor>> {
    if (this.#closed) return Promise.reject(new Error('the inference pool is closed'));
    const slot = this.#slots.reduce<Slot | undefined>((best, s) => (!best || s.pending.size < best.pending.size ? s : best), undefined);
    if (!slot) return Promise.reject(new Error('no inference thread is running'));
    const id = this.#nextId++;
    // One copy of each input (callers reuse their buffers), handed over without a second one.
    const copies: Record<string, Float32Tensor> = {};
    const transfer: ArrayBuffer[] = [];
    for (const [name, t] of Object.entries(feeds)) {
      const data = t.data.slice();
      copies[name] = { data, dims: [...t.dims] };
      transfer.push(data.buffer);
    }
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ type: 'run', id, model, feeds: copies } satisfies ToWorker, transfer);
    });
  }

  #spawn(): Promise<Slot> {
    const worker = startWorker();
    const slot: Slot = { worker, pending: new Map() };
    return new Promise((resolve, reject) => {
      const onInit = (message: FromWorker) => {
        if (message.type === 'ready') {
          if (this.#execution.length === 0) this.#execution = Object.freeze(message.execution.map((e) => Object.freeze(e)));
          worker.off('message', onInit);
          worker.on('message', (m: FromWorker) => this.#onMessage(slot, m));
          worker.once('exit', (code) => this.#onExit(slot, code));
          resolve(slot);
        } else if (message.type === 'init-error') {
          void worker.terminate();
          reject(new Error(`an inference thread could not load the models: ${message.message}`));
        }
      };
      worker.on('message', onInit);
      // a thread that throws exits next ('exit' replaces it); before 'ready' the start fails instead
      worker.on('error', (error) => (slot.pending.size === 0 && !this.#slots.includes(slot) ? reject(error) : this.#log.error({ err: error }, 'inference thread error')));
      const providers = { ...this.#options.providers };
      worker.postMessage({ type: 'init', models: this.#models, intraOpNumThreads: this.#options.intraOpNumThreads, providers } satisfies ToWorker);
    });
  }

  #onMessage(slot: Slot, message: FromWorker): void {
    if (message.type !== 'result' && message.type !== 'error') return;
    const pending = slot.pending.get(message.id);
    if (!pending) return;
    slot.pending.delete(message.id);
    if (message.type === 'result') pending.resolve(message.outputs);
    else pending.reject(new Error(message.message));
  }

  #onExit(slot: Slot, code: number): void {
    const index = this.#slots.indexOf(slot);
    if (this.#closed || index < 0) return;
    this.#log.error({ code }, 'an inference thread died; starting another');
    for (const p of slot.pending.values()) p.reject(new Error(`the inference thread died (exit ${code})`));
    slot.pending.clear();
    this.#slots.splice(index, 1);
    this.#spawn().then(
      (replacement) => (this.#closed ? void this.#stop(replacement, new Error('closed')) : this.#slots.push(replacement)),
      (error: unknown) => this.#log.error({ err: error }, 'could not replace an inference thread'),
    );
  }

  async #stop(slot: Slot, reason: Error): Promise<void> {
    for (const p of slot.pending.values()) p.reject(reason);
    slot.pending.clear();
    await slot.worker.terminate();
  }
}
