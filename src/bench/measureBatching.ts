// Measures what batching buys per model, to choose the defaults in src/inference/batchDefaults.ts:
//   sessions  one in-process session per model: ms per row at batch 1, 2, 4, 8, 16 (rounds interleaved, so
//             a machine loaded by other work slows every size alike and the ratios hold)
//   pool      K concurrent callers on the worker-thread pool, batching off and on: rows per second
// Run: node dist/bench/measureBatching.js [modelsDir] [--provider cpu|cuda] (or npx tsx src/bench/measureBatching.ts)
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BatchingRunner, isBatchable } from '../inference/BatchingRunner.js';
import type { ExecutionProvider } from '../inference/execution.js';
import { InferencePool } from '../inference/InferencePool.js';
import type { Float32Tensor, InferenceRunner } from '../inference/InferenceRunner.js';
import { OrtInferenceRunner } from '../inference/OrtInferenceRunner.js';
import { loadVerifiedModel, type VerifiedModel } from '../inference/verifiedModel.js';
import { MODEL_IDS } from '../inference/VisionModels.js';
import { silentLogger } from '../log/logger.js';
import { ConfigSchema, PROJECT_ROOT } from '../config/schema.js';

const SIZES = [1, 2, 4, 8, 16];
const ROUNDS = 7;

function feedsFor(model: VerifiedModel, rows: number): Record<string, Float32Tensor> {
  const feeds: Record<string, Float32Tensor> = {};
  for (const spec of model.manifest.inputs) {
    const dims = spec.shape.map((d, i) => (typeof d === 'string' ? (i === 0 ? rows : 1) : d));
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) >>> 0) / 2 ** 32;
    feeds[spec.name] = { data, dims };
  }
  return feeds;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeRun(runner: InferenceRunner, feeds: Record<string, Float32Tensor>): Promise<number> {
  const t0 = performance.now();
  await runner.run(feeds);
  return performance.now() - t0;
}

/** ms per row at each batch size, medians over interleaved rounds. */
async function sessionCurve(model: VerifiedModel, provider: ExecutionProvider): Promise<Record<number, number>> {
  const runner = await OrtInferenceRunner.create(model, { intraOpNumThreads: 1, executionProvider: provider });
  try {
    const sizes = isBatchable(model.manifest) ? SIZES : [1];
    const feeds = new Map(sizes.map((n) => [n, feedsFor(model, n)]));
    for (const n of sizes) await runner.run(feeds.get(n)!); // warm-up: first runs allocate
    const samples = new Map<number, number[]>(sizes.map((n) => [n, []]));
    for (let r = 0; r < ROUNDS; r++) for (const n of sizes) samples.get(n)!.push((await timeRun(runner, feeds.get(n)!)) / n);
    return Object.fromEntries(sizes.map((n) => [n, Math.round(median(samples.get(n)!) * 100) / 100]));
  } finally {
    await runner.close();
  }
}

/** Rows per second with `callers` loops each running one row at a time, as streams do. */
async function poolRate(runner: InferenceRunner, model: VerifiedModel, callers: number, perCaller: number): Promise<number> {
  const feeds = feedsFor(model, 1);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: callers }, async () => {
    for (let i = 0; i < perCaller; i++) await runner.run(feeds);
  }));
  return Math.round(((callers * perCaller * 1000) / (performance.now() - t0)) * 10) / 10;
}

export async function measureBatching(dir: string, provider: ExecutionProvider): Promise<unknown> {
  const ids = [MODEL_IDS.detector, MODEL_IDS.mesh, MODEL_IDS.expression, MODEL_IDS.blendshapes];
  const models = await Promise.all(ids.map((id) => loadVerifiedModel(dir, id)));
  const sessions: Record<string, Record<number, number>> = {};
  for (const m of models) sessions[m.manifest.id] = await sessionCurve(m, provider);

  const threads = Math.max(1, os.availableParallelism());
  const pool = await InferencePool.start(models, { threads, intraOpNumThreads: 1, providers: Object.fromEntries(ids.map((id) => [id, provider])), logger: silentLogger() });
  const poolResults: Array<Record<string, unknown>> = [];
  try {
    for (const m of models.filter((x) => isBatchable(x.manifest))) {
      const callers = 8;
      const plain = pool.runner(m.manifest.id);
      const batched = new BatchingRunner(plain, { windowMs: 4, maxBatch: 8 });
      await poolRate(plain, m, callers, 2);
      // interleaved, as above
      const off: number[] = [];
      const on: number[] = [];
      for (let r = 0; r < 3; r++) {
        off.push(await poolRate(plain, m, callers, 6));
        on.push(await poolRate(batched, m, callers, 6));
      }
      await batched.close();
      poolResults.push({ model: m.manifest.id, threads, callers, rowsPerSecondOff: median(off), rowsPerSecondWindow4msMax8: median(on) });
    }
  } finally {
    await pool.close();
  }
  return {
    measuredAt: new Date().toISOString(),
    machine: { cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model ?? 'unknown', loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100 },
    provider,
    msPerRowByBatch: sessions,
    pool: poolResults,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const providerAt = args.indexOf('--provider');
  const provider = ConfigSchema.shape.models.unwrap().shape.executionProvider.parse(providerAt >= 0 ? args[providerAt + 1] : 'cpu');
  const dir = args.find((a, i) => !a.startsWith('--') && (providerAt < 0 || i !== providerAt + 1)) ?? path.join(PROJECT_ROOT, 'models', 'build');
  console.log(JSON.stringify(await measureBatching(dir, provider), null, 2));
}
