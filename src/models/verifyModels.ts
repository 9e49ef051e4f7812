// `affectcast models verify`: every model in `dir` (and every default model, present or not) must match
// its manifest and must run: one probe input through onnxruntime-node, outputs named and shaped as the
// manifest says, all finite. The probe is a fixed ramp in [0, 1), not zeros: a model that normalises its
// input by its spread (the blendshape net scales its points by their standard deviation) divides 0 by 0
// on an all-zero input, as the original does, and that says nothing about the file. onnxruntime is
// imported lazily so `build` and `list` never load the native addon.
import { AffectcastError, type ErrorCode } from '../contracts/errors.js';
import { knownModelIds, expectedVersion } from './knownModels.js';
import { loadManifest, type LoadedManifest } from './loadManifest.js';
import type { TensorSpec } from './manifest.js';

export interface ModelVerification {
  id: string;
  ok: boolean;
  version?: string;
  /** false when a default model was built from another package or converter version (still usable). */
  current?: boolean;
  /** Wall time of the probe run, ms. */
  runMs?: number;
  /** Output name → dims of the probe run (batch 1). */
  outputs?: Record<string, number[]>;
  error?: { code: ErrorCode; message: string };
}

type Ort = typeof import('onnxruntime-node');

/** Symbolic dims (batch 'N', audio 'T') become 1 for the smoke run. */
const concreteDims = (shape: TensorSpec['shape']): number[] => shape.map((d) => (typeof d === 'number' ? d : 1));

function probeTensor(ort: Ort, spec: TensorSpec): InstanceType<Ort['Tensor']> {
  const dims = concreteDims(spec.shape);
  const n = dims.reduce((a, b) => a * b, 1);
  if (spec.dtype === 'int64') return new ort.Tensor('int64', new BigInt64Array(n), dims);
  if (spec.dtype === 'int32') return new ort.Tensor('int32', new Int32Array(n), dims);
  return new ort.Tensor('float32', Float32Array.from({ length: n }, (_, i) => (i % 251) / 251), dims);
}

function sameNames(actual: readonly string[], specs: readonly TensorSpec[]): boolean {
  const expected = specs.map((s) => s.name);
  return actual.length === expected.length && expected.every((n) => actual.includes(n));
}

async function runOnce(ort: Ort, loaded: LoadedManifest): Promise<{ runMs: number; outputs: Record<string, number[]> }> {
  const { manifest, bytes } = loaded;
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    if (!sameNames(session.inputNames, manifest.inputs) || !sameNames(session.outputNames, manifest.outputs)) {
      throw new Error(
        `graph has inputs [${session.inputNames.join(', ')}] → outputs [${session.outputNames.join(', ')}], ` +
          `manifest says [${manifest.inputs.map((i) => i.name).join(', ')}] → [${manifest.outputs.map((o) => o.name).join(', ')}]`,
      );
    }
    const feeds = Object.fromEntries(manifest.inputs.map((spec) => [spec.name, probeTensor(ort, spec)]));
    const t0 = performance.now();
    const results = await session.run(feeds);
    const runMs = performance.now() - t0;
    const outputs: Record<string, number[]> = {};
    for (const spec of manifest.outputs) {
      const tensor = results[spec.name];
      if (!tensor) throw new Error(`output ${spec.name} missing from the run`);
      const dims = [...tensor.dims];
      const expected = concreteDims(spec.shape);
      if (dims.length !== expected.length || dims.some((d, i) => d !== expected[i])) {
        throw new Error(`output ${spec.name} has shape [${dims.join(',')}], manifest says [${spec.shape.join(',')}]`);
      }
      const data = tensor.data;
      if (data instanceof Float32Array && !data.every(Number.isFinite)) throw new Error(`output ${spec.name} is not finite on the probe input`);
      outputs[spec.name] = dims;
    }
    return { runMs, outputs };
  } finally {
    await session.release();
  }
}

async function verifyOne(ort: Ort, dir: string, id: string): Promise<ModelVerification> {
  let loaded: LoadedManifest;
  try {
    loaded = loadManifest(dir, id);
  } catch (err) {
    if (err instanceof AffectcastError) return { id, ok: false, error: { code: err.code, message: err.message } };
    throw err;
  }
  const { version } = loaded.manifest;
  const expected = expectedVersion(id);
  const current = expected === undefined ? undefined : expected === version;
  try {
    const run = await runOnce(ort, loaded);
    return { id, ok: true, version, ...(current === undefined ? {} : { current }), ...run };
  } catch (err) {
    const message = `model '${id}' (${loaded.modelPath}) does not run as its manifest describes: ${err instanceof Error ? err.message : String(err)}`;
    return { id, ok: false, version, error: { code: 'MODEL_MISSING', message } };
  }
}

/** One report per model: the default profile's models and any other manifest found in `dir`. */
export async function verifyModels(dir: string): Promise<ModelVerification[]> {
  const ort = await import('onnxruntime-node');
  const reports: ModelVerification[] = [];
  for (const id of knownModelIds(dir)) reports.push(await verifyOne(ort, dir, id));
  return reports;
}
