// InferenceRunner on an in-process onnxruntime-node session, CPU execution provider.
import ort from 'onnxruntime-node';
import type { ModelManifest } from '../models/manifest.js';
import { checkDims, type Float32Tensor, type InferenceRunner } from './InferenceRunner.js';
import type { VerifiedModel } from './verifiedModel.js';

export interface OrtRunnerOptions {
  /**
   * Intra-op threads for this session (config models.intraOpThreads). 1 is fastest on small CPUs:
   * ORT's extra worker threads spin, and the other cores serve other streams.
   */
  intraOpNumThreads: number;
}

export class OrtInferenceRunner implements InferenceRunner {
  readonly manifest: ModelManifest;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  #session: ort.InferenceSession | null;

  private constructor(manifest: ModelManifest, session: ort.InferenceSession) {
    this.manifest = manifest;
    this.inputNames = manifest.inputs.map((t) => t.name);
    this.outputNames = manifest.outputs.map((t) => t.name);
    this.#session = session;
  }

  static async create(model: VerifiedModel, options: OrtRunnerOptions): Promise<OrtInferenceRunner> {
    const session = await ort.InferenceSession.create(model.bytes, {
      executionProviders: ['cpu'],
      intraOpNumThreads: options.intraOpNumThreads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    // The manifest is the contract: a file whose graph disagrees with it is refused, not guessed at.
    const missing = [
      ...model.manifest.inputs.filter((t) => !session.inputNames.includes(t.name)).map((t) => `input '${t.name}'`),
      ...model.manifest.outputs.filter((t) => !session.outputNames.includes(t.name)).map((t) => `output '${t.name}'`),
    ];
    if (missing.length > 0) {
      await session.release();
      throw new Error(`model '${model.manifest.id}': the graph lacks ${missing.join(', ')} named in its manifest`);
    }
    return new OrtInferenceRunner(model.manifest, session);
  }

  get closed(): boolean {
    return this.#session === null;
  }

  async run(feeds: Readonly<Record<string, Float32Tensor>>): Promise<Record<string, Float32Tensor>> {
    const session = this.#session;
    if (session === null) throw new Error(`model '${this.manifest.id}': runner is closed`);
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const spec of this.manifest.inputs) {
      const t = feeds[spec.name];
      if (t === undefined) throw new RangeError(`model '${this.manifest.id}': missing input '${spec.name}'`);
      checkDims(spec.name, spec.shape, t.dims);
      ortFeeds[spec.name] = new ort.Tensor('float32', t.data, t.dims);
    }
    const results = await session.run(ortFeeds, this.outputNames as string[]);
    const out: Record<string, Float32Tensor> = {};
    for (const name of this.outputNames) {
      const r = results[name];
      if (r === undefined || !(r.data instanceof Float32Array)) {
        throw new Error(`model '${this.manifest.id}': output '${name}' is missing or not float32`);
      }
      out[name] = { data: r.data, dims: r.dims };
    }
    return out;
  }

  async close(): Promise<void> {
    const session = this.#session;
    if (session === null) return;
    this.#session = null;
    await session.release();
  }
}
