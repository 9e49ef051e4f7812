// The GPU bench (bench/gpu/run.sh runs it): faces per second of each model of the default profile and of the
// avmt step (when an export is present) on onnxruntime's CUDA provider, at batch 1 to 256, in float32 and in
// float16 (the graph converted by float16Graph). A session that cannot start on CUDA is reported as such,
// never measured on the CPU instead. Inputs are synthetic: only speed is measured.
//   node dist/bench/gpu/cudaBench.js [--models DIR] [--out FILE] [--batches 1,2,4,...] [--seconds 1]
//   (--provider cpu checks the script itself on a machine without a GPU; its numbers mean nothing here)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { PROJECT_ROOT } from '../../config/schema.js';
import { toFloat16Graph } from './float16Graph.js';

const MODELS = ['blazeface', 'mediapipe-facemesh-v2', 'faceapi-expression', 'mediapipe-blendshapes', 'avmt'];
const DEFAULT_BATCHES = [1, 2, 4, 8, 16, 32, 64, 128, 256];

interface Point {
  batch: number;
  facesPerSecond: number;
  msPerRun: number;
}
type Series = { points: Point[] } | { error: string };

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

/** Synthetic feeds: every symbolic dim is the batch (the avmt state's batch is its dim 1), the rest as declared. */
function feeds(session: ort.InferenceSession, batch: number): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  session.inputNames.forEach((name, i) => {
    const meta = session.inputMetadata[i] as { shape?: ReadonlyArray<number | string> } | undefined;
    const dims = (meta?.shape ?? []).map((d) => (typeof d === 'number' && d > 0 ? d : batch));
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let k = 0; k < data.length; k++) data[k] = ((k * 2654435761) >>> 0) / 2 ** 32;
    out[name] = new ort.Tensor('float32', data, dims);
  });
  return out;
}

function fixedBatch(session: ort.InferenceSession): boolean {
  return session.inputMetadata.every((m) => ((m as { shape?: ReadonlyArray<number | string> }).shape ?? []).every((d) => typeof d === 'number' && d > 0));
}

async function series(bytes: Uint8Array, batches: number[], seconds: number): Promise<Series> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: [provider], graphOptimizationLevel: 'all' });
  } catch (error) {
    return { error: (error instanceof Error ? error.message : String(error)).split('\n')[0]! };
  }
  const points: Point[] = [];
  try {
    for (const batch of fixedBatch(session) ? [1] : batches) {
      const input = feeds(session, batch);
      try {
        for (let i = 0; i < 3; i++) await session.run(input); // warm-up: kernels are chosen on the first runs
        let runs = 0;
        const t0 = performance.now();
        while (performance.now() - t0 < seconds * 1000 || runs < 5) {
          await session.run(input);
          runs++;
        }
        const ms = (performance.now() - t0) / runs;
        points.push({ batch, facesPerSecond: Math.round((batch * 1000) / ms), msPerRun: Math.round(ms * 1000) / 1000 });
      } catch (error) {
        // out of device memory at a large batch ends the series, not the bench
        points.push({ batch, facesPerSecond: 0, msPerRun: Number.NaN });
        console.error(`batch ${batch}: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
        break;
      }
    }
  } finally {
    await session.release();
  }
  return { points };
}

const provider = argument('provider') ?? 'cuda';
const dir = argument('models') ?? path.join(PROJECT_ROOT, 'models', 'build');
const batches = (argument('batches') ?? DEFAULT_BATCHES.join(',')).split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
const seconds = Number(argument('seconds') ?? '1');
const results: Record<string, Record<'fp32' | 'fp16', Series>> = {};
for (const id of MODELS) {
  const file = path.join(dir, `${id}.onnx`);
  if (!fs.existsSync(file)) continue;
  const bytes = new Uint8Array(fs.readFileSync(file));
  results[id] = { fp32: await series(bytes, batches, seconds), fp16: await series(toFloat16Graph(bytes), batches, seconds) };
  console.error(`${id}: done`);
}

/** Faces/s of the default profile's per-face chain (FaceMesh, expression, then blendshapes one face at a time). */
function profileChain(precision: 'fp32' | 'fp16'): Array<{ batch: number; facesPerSecond: number }> {
  const points = (id: string) => {
    const s = results[id]?.[precision];
    return s && 'points' in s ? s.points.filter((p) => p.facesPerSecond > 0) : [];
  };
  const blend = points('mediapipe-blendshapes')[0];
  return points('mediapipe-facemesh-v2').flatMap((mesh) => {
    const expr = points('faceapi-expression').find((p) => p.batch === mesh.batch);
    if (!expr || !blend) return [];
    const msPerFace = mesh.msPerRun / mesh.batch + expr.msPerRun / expr.batch + blend.msPerRun;
    return [{ batch: mesh.batch, facesPerSecond: Math.round(1000 / msPerFace) }];
  });
}

const report = {
  benchVersion: 1,
  measuredAt: new Date().toISOString(),
  machine: { cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version, onnxruntime: ort.env.versions.common },
  provider,
  models: results,
  defaultProfilePerFace: { fp32: profileChain('fp32'), fp16: profileChain('fp16') },
};
const text = `${JSON.stringify(report, null, 2)}\n`;
const out = argument('out');
if (out) fs.writeFileSync(out, text);
process.stdout.write(text);
