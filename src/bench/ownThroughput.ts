// affectcast's side of the comparison, and where its time goes: the default profile's FrameAnalyzer (detect,
// track, expression, FaceMesh V2, blendshapes, AUs) on the bench's decoded frames, with the configured
// inference threads. Throughput runs enough streams at once to keep every inference thread busy.
import { FrameAnalyzer, frameAnalyzerOptions } from '../analyzer/FrameAnalyzer.js';
import type { VideoFrame } from '../analyzer/media/frames.js';
import type { Config } from '../config/schema.js';
import type { ModelExecution } from '../inference/execution.js';
import { loadVisionModels, visionModelsOptions } from '../inference/VisionModels.js';
import type { Logger } from '../log/logger.js';
import { round, summarize, type TimingSummary } from './stats.js';

export interface OwnResult {
  facesPerSecond: number;
  threads: number;
  concurrentStreams: number;
  facesPerFrame: number;
  /** One stream, frame after frame: per-stage time (mesh and expression run side by side). */
  stages: Record<'detect' | 'mesh' | 'expression' | 'total', TimingSummary>;
  /** What actually ran each model (provider after any fallback, threads, batching). */
  execution: readonly ModelExecution[];
}

export async function runOwnThroughput(config: Config, frames: readonly VideoFrame[], logger: Logger): Promise<OwnResult> {
  const models = await loadVisionModels(visionModelsOptions(config, logger));
  const options = { ...frameAnalyzerOptions(config), lostAfterFrames: config.analyzer.lostAfterFrames };
  try {
    const single = new FrameAnalyzer(models, options, logger);
    for (const frame of frames.slice(0, 3)) await single.analyze(frame); // warm-up: the first runs allocate
    const timings: Record<keyof OwnResult['stages'], number[]> = { detect: [], mesh: [], expression: [], total: [] };
    for (const frame of frames) {
      const r = await single.analyzeDetailed({ ...frame, capturedAt: Date.now() });
      for (const key of Object.keys(timings) as Array<keyof typeof timings>) timings[key].push(r.timings[key]);
    }
    single.close();

    const threads = Math.max(1, config.models.inferenceThreads);
    const concurrentStreams = threads * 2; // a stream's stages wait on each other: two per thread keep it busy
    const analyzers = Array.from({ length: concurrentStreams }, () => new FrameAnalyzer(models, options, logger));
    let faces = 0;
    const start = performance.now();
    await Promise.all(
      analyzers.map(async (a) => {
        for (const frame of frames) {
          // read after the await: `faces += await …` would add to the value from before it, losing other streams' counts
          const found = (await a.analyze({ ...frame, capturedAt: Date.now() })).filter((f) => f.expression !== null).length;
          faces += found;
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    for (const a of analyzers) a.close();
    return {
      facesPerSecond: round(faces / seconds, 1),
      threads,
      concurrentStreams,
      facesPerFrame: round(faces / (concurrentStreams * frames.length)),
      stages: { detect: summarize(timings.detect), mesh: summarize(timings.mesh), expression: summarize(timings.expression), total: summarize(timings.total) },
      execution: models.execution,
    };
  } finally {
    await models.close();
  }
}
