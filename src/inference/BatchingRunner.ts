// An InferenceRunner that batches across callers: requests for one model that arrive within a window (every
// stream's detector, say) are concatenated along dim 0, up to maxBatch rows, run once on the runner below,
// and the outputs split back to each caller in order. A batch that fails rejects each of its callers with
// that error and is counted; the next batch runs as usual.
import { Subject, type SchedulerLike, type Subscription } from 'rxjs';
import type { ModelManifest } from '../models/manifest.js';
import type { BatchSettings } from './execution.js';
import { checkDims, type Float32Tensor, type InferenceRunner } from './InferenceRunner.js';
import { microBatch } from './microBatch.js';

interface Request {
  feeds: Readonly<Record<string, Float32Tensor>>;
  rows: number;
  resolve: (outputs: Record<string, Float32Tensor>) => void;
  reject: (error: Error) => void;
}

export interface BatchingStats {
  /** Runs on the runner below, and the caller rows they carried. */
  batches: number;
  rows: number;
  /** Runs that failed (each of their callers rejected). */
  failedBatches: number;
}

export interface BatchingRunnerOptions extends BatchSettings {
  /** Called for every failed batch, after its callers are rejected. */
  onBatchFailed?: (error: Error, callers: number) => void;
  scheduler?: SchedulerLike;
}

/** True when every input and output has a free (symbolic) dim 0, the one batches concatenate along. */
export function isBatchable(manifest: ModelManifest): boolean {
  return [...manifest.inputs, ...manifest.outputs].every((t) => typeof t.shape[0] === 'string');
}

const elements = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

export class BatchingRunner implements InferenceRunner {
  readonly manifest: ModelManifest;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly #inner: InferenceRunner;
  readonly #options: BatchingRunnerOptions;
  readonly #requests = new Subject<Request>();
  readonly #subscription: Subscription;
  readonly #stats: BatchingStats = { batches: 0, rows: 0, failedBatches: 0 };
  #closed = false;

  constructor(inner: InferenceRunner, options: BatchingRunnerOptions) {
    if (!isBatchable(inner.manifest)) throw new RangeError(`model '${inner.manifest.id}' has a fixed batch size; it cannot be batched`);
    if (options.maxBatch < 1 || options.windowMs < 0) throw new RangeError('maxBatch must be at least 1 and windowMs at least 0');
    this.#inner = inner;
    this.#options = options;
    this.manifest = inner.manifest;
    this.inputNames = inner.inputNames;
    this.outputNames = inner.outputNames;
    const batches = microBatch<Request>({
      windowMs: options.windowMs,
      maxSize: options.maxBatch,
      sizeOf: (r) => r.rows,
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    });
    this.#subscription = this.#requests.pipe(batches).subscribe((batch) => void this.#runBatch(batch));
  }

  get stats(): Readonly<BatchingStats> {
    return { ...this.#stats };
  }

  /**
   * Queues the request for the next batch. The caller's buffers are read when its batch runs, so (as with
   * every runner) they must stay untouched until this settles.
   */
  run(feeds: Readonly<Record<string, Float32Tensor>>): Promise<Record<string, Float32Tensor>> {
    if (this.#closed) return Promise.reject(new Error(`model '${this.manifest.id}': runner is closed`));
    let rows: number | undefined;
    for (const spec of this.manifest.inputs) {
      const t = feeds[spec.name];
      if (t === undefined) return Promise.reject(new RangeError(`model '${this.manifest.id}': missing input '${spec.name}'`));
      checkDims(spec.name, spec.shape, t.dims);
      if (t.data.length !== elements(t.dims)) return Promise.reject(new RangeError(`tensor '${spec.name}' has ${t.data.length} values, its dims [${t.dims.join(',')}] need ${elements(t.dims)}`));
      if (rows !== undefined && t.dims[0] !== rows) return Promise.reject(new RangeError(`model '${this.manifest.id}': inputs disagree on the batch size`));
      rows = t.dims[0];
    }
    if (rows === undefined || rows === 0) return this.#inner.run(feeds);
    const batchRows = rows;
    return new Promise((resolve, reject) => this.#requests.next({ feeds, rows: batchRows, resolve, reject }));
  }

  /** Idempotent. Requests already queued still run; the runner below is the owner's to close. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#requests.complete();
    this.#subscription.unsubscribe();
  }

  async #runBatch(batch: Request[]): Promise<void> {
    const rows = batch.reduce((n, r) => n + r.rows, 0);
    this.#stats.batches++;
    this.#stats.rows += rows;
    let outputs: Record<string, Float32Tensor[]>;
    try {
      const result = await this.#inner.run(batch.length === 1 ? batch[0]!.feeds : this.#concat(batch, rows));
      outputs = this.#split(result, batch, rows);
    } catch (error) {
      const reason = error instanceof Error ? error : new Error(String(error));
      this.#stats.failedBatches++;
      for (const r of batch) r.reject(reason);
      this.#options.onBatchFailed?.(reason, batch.length);
      return;
    }
    batch.forEach((r, i) => {
      const own: Record<string, Float32Tensor> = {};
      for (const name of this.outputNames) own[name] = outputs[name]![i]!;
      r.resolve(own);
    });
  }

  #concat(batch: Request[], rows: number): Record<string, Float32Tensor> {
    const feeds: Record<string, Float32Tensor> = {};
    for (const name of this.inputNames) {
      const first = batch[0]!.feeds[name]!;
      const perRow = elements(first.dims.slice(1));
      const data = new Float32Array(rows * perRow);
      let offset = 0;
      for (const r of batch) {
        const t = r.feeds[name]!;
        if (elements(t.dims.slice(1)) !== perRow) throw new RangeError(`model '${this.manifest.id}': input '${name}' rows differ in size within a batch`);
        data.set(t.data, offset);
        offset += t.data.length;
      }
      feeds[name] = { data, dims: [rows, ...first.dims.slice(1)] };
    }
    return feeds;
  }

  /** Each output cut into the callers' rows, in batch order; each caller gets its own copy. */
  #split(result: Record<string, Float32Tensor>, batch: Request[], rows: number): Record<string, Float32Tensor[]> {
    const out: Record<string, Float32Tensor[]> = {};
    for (const name of this.outputNames) {
      const t = result[name];
      if (t === undefined || t.dims[0] !== rows) throw new Error(`model '${this.manifest.id}': output '${name}' does not have the batch's ${rows} rows`);
      if (batch.length === 1) {
        out[name] = [t];
        continue;
      }
      const perRow = elements(t.dims.slice(1));
      let offset = 0;
      out[name] = batch.map((r) => {
        const data = t.data.slice(offset, offset + r.rows * perRow);
        offset += r.rows * perRow;
        return { data, dims: [r.rows, ...t.dims.slice(1)] };
      });
    }
    return out;
  }
}
