// InferenceRunner on an in-process onnxruntime-node session, on the execution provider asked for, or on cpu
// when that one cannot start here (the reason is kept in `execution` for the caller to log and report).
import ort from 'onnxruntime-node';
import type { ModelManifest } from '../models/manifest.js';
import type { ExecutionProvider, SessionExecution } from './execution.js';
import { checkDims, type Float32Tensor, type InferenceRunner } from './InferenceRunner.js';
import type { VerifiedModel } from './verifiedModel.js';

export interface OrtRunnerOptions {
  /**
   * Intra-op threads for this session (config models.intraOpThreads). 1 is fastest on small CPUs:
   * ORT's extra worker threads spin, and the other cores serve other streams.
   */
  intraOpNumThreads: number;
  /** Default cpu. */
  executionProvider?: ExecutionProvider | undefined;
}

function sessionOptions(provider: ExecutionProvider, intraOpNumThreads: number): ort.InferenceSession.SessionOptions {
  return { executionProviders: [provider], intraOpNumThreads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' };
}

/** A session on `requested`, else on cpu with the reason; cpu failing is the model's fault and throws. */
async function openSession(bytes: Uint8Array, requested: ExecutionProvider, intraOpNumThreads: number): Promise<{ session: ort.InferenceSession; fallbackReason?: string }> {
  if (requested === 'cpu') return { session: await ort.InferenceSession.create(bytes, sessionOptions('cpu', intraOpNumThreads)) };
  try {
    return { session: await ort.InferenceSession.create(bytes, sessionOptions(requested, intraOpNumThreads)) };
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
    return { session: await ort.InferenceSession.create(bytes, sessionOptions('cpu', intraOpNumThreads)), fallbackReason: reason || `${requested} could not start` };
  }
}

export class OrtInferenceRunner implements InferenceRunner {
  readonly manifest: ModelManifest;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly execution: SessionExecution;
  #session: ort.InferenceSession | null;

  private constructor(manifest: ModelManifest, session: ort.InferenceSession, execution: SessionExecution) {
    this.manifest = manifest;
    this.execution = execution;
    this.inputNames = manifest.inputs.map((t) => t.name);
    this.outputNames = manifest.outputs.map((t) => t.name);
    this.#session = session;
  }

  static async create(model: VerifiedModel, options: OrtRunnerOptions): Promise<OrtInferenceRunner> {
    const requested = options.executionProvider ?? 'cpu';
    const { session, fallbackReason } = await openSession(model.bytes, requested, options.intraOpNumThreads);
    // The manifest is the contract: a file whose graph disagrees with it is refused, not guessed at.
    const missing = [
      ...model.manifest.inputs.filter((t) => !session.inputNames.includes(t.name)).map((t) => `input '${t.name}'`),
      ...model.manifest.outputs.filter((t) => !session.outputNames.includes(t.name)).map((t) => `output '${t.name}'`),
    ];
    if (missing.length > 0) {
      await session.release();
      throw new Error(`model '${model.manifest.id}': the graph lacks ${missing.join(', ')} named in its manifest`);
    }
    const execution: SessionExecution = {
      model: model.manifest.id,
      requested,
      provider: fallbackReason === undefined ? requested : 'cpu',
      intraOpThreads: options.intraOpNumThreads,
      ...(fallbackReason === undefined ? {} : { fallbackReason }),
    };
    return new OrtInferenceRunner(model.manifest, session, execution);
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
