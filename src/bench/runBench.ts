// `affectcast bench`: what one machine can do, measured in one run so the numbers compare with each other.
//   stages    per-stage time of the default profile on one stream (detect, FaceMesh, expression)
//   capacity  K streams analysed at once on the shared networks: frames/s in total, and how many live
//             streams that is at the configured analysis rate
//   avmt      one step of the paper's network, when an export is present (untrained is fine for speed)
// Timing goals belong here, never in tests.
import os from 'node:os';
import path from 'node:path';
import { FrameAnalyzer, frameAnalyzerOptions } from '../analyzer/FrameAnalyzer.js';
import { LogMelWindow } from '../analyzer/audio/LogMelWindow.js';
import type { VideoFrame } from '../analyzer/media/frames.js';
import { loadAvmtProfile } from '../analyzer/profiles/avmt/avmtProfile.js';
import type { StreamAnalyzer } from '../analyzer/profiles/AnalysisProfile.js';
import type { Config } from '../config/schema.js';
import type { ModelExecution } from '../inference/execution.js';
import { loadVisionModels, visionModelsOptions } from '../inference/VisionModels.js';
import type { Logger } from '../log/logger.js';
import { decodeStill } from './benchFrames.js';
import { summarize, type TimingSummary } from './stats.js';

export interface BenchOptions {
  input: string;
  frames: number;
  streams: number[];
}

export interface BenchResult {
  benchVersion: 1;
  startedAt: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string; loadAverage1m: number };
  config: { fps: number; maxSide: number; intraOpThreads: number };
  /** What actually ran each model (provider after any fallback, threads, batching). */
  execution: readonly ModelExecution[];
  input: { file: string; width: number; height: number; faces: number };
  stages: Record<'detect' | 'mesh' | 'expression' | 'total', TimingSummary>;
  capacity: Array<{ streams: number; framesPerSecond: number; realtimeStreamsAtConfiguredFps: number; scaling: number }>;
  avmt: { version: string; facesPerStep: number; step: TimingSummary; execution: readonly ModelExecution[] } | { skipped: string };
}

/** Runs `analyzers` concurrently, each on `frames` frames; returns frames/s over all of them. */
async function throughput(analyzers: StreamAnalyzer[], frame: VideoFrame, frames: number): Promise<number> {
  const start = performance.now();
  await Promise.all(
    analyzers.map(async (a) => {
      for (let i = 0; i < frames; i++) await a.analyze({ ...frame, capturedAt: Date.now() });
    }),
  );
  return (analyzers.length * frames * 1000) / (performance.now() - start);
}

export async function runBench(config: Config, options: BenchOptions, logger: Logger): Promise<BenchResult> {
  const frame = await decodeStill(options.input, config.analyzer.maxSide, logger);
  const models = await loadVisionModels(visionModelsOptions(config, logger));
  const startedAt = new Date().toISOString();
  try {
    const analyzerOptions = { ...frameAnalyzerOptions(config), lostAfterFrames: config.analyzer.lostAfterFrames };
    const single = new FrameAnalyzer(models, analyzerOptions, logger);
    const timings: Record<'detect' | 'mesh' | 'expression' | 'total', number[]> = { detect: [], mesh: [], expression: [], total: [] };
    let faces = 0;
    for (let i = 0; i < Math.min(5, options.frames); i++) await single.analyze(frame); // warm-up: first runs allocate
    for (let i = 0; i < options.frames; i++) {
      const r = await single.analyzeDetailed({ ...frame, capturedAt: Date.now() });
      faces = r.faces.length;
      for (const key of Object.keys(timings) as Array<keyof typeof timings>) timings[key].push(r.timings[key]);
    }
    single.close();

    const capacity: BenchResult['capacity'] = [];
    let base = 0;
    for (const k of options.streams) {
      const analyzers = Array.from({ length: k }, () => new FrameAnalyzer(models, analyzerOptions, logger));
      const fps = await throughput(analyzers, frame, Math.max(5, Math.round(options.frames / k)));
      for (const a of analyzers) a.close();
      if (capacity.length === 0) base = fps / k;
      capacity.push({
        streams: k,
        framesPerSecond: Math.round(fps * 10) / 10,
        realtimeStreamsAtConfiguredFps: Math.floor((fps / config.analyzer.fps) * 10) / 10,
        scaling: Math.round((fps / (base * k)) * 100) / 100,
      });
    }

    return {
      benchVersion: 1,
      startedAt,
      machine: {
        cpus: os.availableParallelism(),
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
      },
      config: { fps: config.analyzer.fps, maxSide: config.analyzer.maxSide, intraOpThreads: config.models.intraOpThreads },
      execution: models.execution,
      input: { file: path.basename(options.input), width: frame.width, height: frame.height, faces },
      stages: { detect: summarize(timings.detect), mesh: summarize(timings.mesh), expression: summarize(timings.expression), total: summarize(timings.total) },
      capacity,
      avmt: await benchAvmt(config, frame, options.frames, logger),
    };
  } finally {
    await models.close();
  }
}

async function benchAvmt(config: Config, frame: VideoFrame, frames: number, logger: Logger): Promise<BenchResult['avmt']> {
  // Speed only: an untrained export is as fast as a trained one, and nothing it outputs is reported.
  const profile = await loadAvmtProfile({ ...config, models: { ...config.models, allowUntrained: true } }, logger).catch((error: unknown) => error as Error);
  if (profile instanceof Error) return { skipped: profile.message };
  try {
    const audio = new LogMelWindow(profile.audioWindowMs || 1000);
    const stream = profile.createStreamAnalyzer({ roomId: 'bench', peerId: 'bench', producerId: 'bench', audio: () => audio });
    const samples: number[] = [];
    let faces = 0;
    for (let i = 0; i < Math.min(3, frames); i++) await stream.analyze(frame);
    for (let i = 0; i < Math.max(5, Math.round(frames / 4)); i++) {
      const t0 = performance.now();
      faces = (await stream.analyze({ ...frame, capturedAt: Date.now() })).length;
      samples.push(performance.now() - t0);
    }
    stream.close();
    return { version: profile.model.version, facesPerStep: faces, step: summarize(samples), execution: profile.execution ?? [] };
  } finally {
    await profile.close();
  }
}
