// `affectcast bench`: what one machine can do, in one run, so that the numbers compare with each other.
//   1. the clip: made from a public-domain photo, one moving face at 640×480 (benchClip.ts)
//   2. side by side on the clip's decoded frames and the same thread budget: affectcast's analyzer and
//      @vladmandic/human, faces per second each, and affectcast's per-stage times (where the time goes)
//   3. live: a real server fed by synthetic RTP publishers, at a ladder of stream counts until the slowest
//      stream falls below the minimum analysed rate (liveLadder.ts)
// The parts run one after the other, never at once, so each has the machine to itself.
// Timing goals belong here, never in tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigSchema, type Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { App } from '../app/App.js';
import { defaultPhoto, makeBenchClip, type BenchClip } from './benchClip.js';
import { decodeClip } from './benchFrames.js';
import { runLadder, type LiveRun } from './liveLadder.js';
import { runOwnThroughput, type OwnResult } from './ownThroughput.js';
import { runHumanPeer, type PeerResult } from './peer/humanPeer.js';
import { round } from './stats.js';

export interface BenchOptions {
  /** Photo of one face; default: the Grace Hopper portrait (defaultPhoto). */
  photo: string | undefined;
  ladder: number[];
  minAnalysedFps: number;
  warmupMs: number;
  windowMs: number;
  /** Decoded frames of the clip for the side-by-side comparison. */
  peerFrames: number;
  /** Frame rate the synthetic publishers send at (a webcam's). */
  sendFps: number;
  /** Shown in the results: the command line that made them. */
  command: string;
}

/** The goals for the default profile on a 2-core machine; the results say whether each was met. */
export const TARGETS = { streams: 20, p95OneStreamMs: 50, p95LargestMs: 150, ratioVsPeer: 4.5 } as const;

export interface BenchResult {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string; loadAverage1m: number };
  runs: LiveRun[];
  facesPerSecond: number;
  peer: { name: string; facesPerSecond: number; backend: string; threads: number };
  ratioVsPeer: number;
  benchVersion: 2;
  command: string;
  config: { profile: string; analysedFpsConfigured: number; maxSide: number; inferenceThreads: number; intraOpThreads: number; minAnalysedFps: number; windowMs: number };
  clip: { photo: string; width: number; height: number; sendFps: number; seconds: number };
  /** The first ladder step that did not hold (absent when the ladder ended first). */
  overload: LiveRun | undefined;
  own: OwnResult;
  peerDetails: PeerResult;
  targets: Array<{ goal: string; value: number; met: boolean }>;
}

export async function runBench(config: Config, options: BenchOptions, logger: Logger): Promise<BenchResult> {
  const date = new Date().toISOString();
  const loadAverage1m = round(os.loadavg()[0] ?? 0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-bench-'));
  try {
    const clip = await makeBenchClip(options.photo ?? (await defaultPhoto()), dir, options.sendFps);
    const { own, peer } = await sideBySide(config, clip, options, logger);
    const ladder = await live(config, clip, options, dir, logger);
    const runs = ladder.runs;
    const ratioVsPeer = peer.facesPerSecond > 0 ? round(own.facesPerSecond / peer.facesPerSecond) : 0;
    return {
      date,
      machine: {
        cpus: os.availableParallelism(),
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        loadAverage1m,
      },
      runs,
      facesPerSecond: own.facesPerSecond,
      peer: { name: peer.name, facesPerSecond: peer.facesPerSecond, backend: peer.backend, threads: peer.threads },
      ratioVsPeer,
      benchVersion: 2,
      command: options.command,
      config: {
        profile: config.models.profile,
        analysedFpsConfigured: config.analyzer.fps,
        maxSide: config.analyzer.maxSide,
        inferenceThreads: config.models.inferenceThreads,
        intraOpThreads: config.models.intraOpThreads,
        minAnalysedFps: options.minAnalysedFps,
        windowMs: options.windowMs,
      },
      clip: { photo: path.basename(clip.photo), width: clip.width, height: clip.height, sendFps: clip.fps, seconds: clip.seconds },
      overload: ladder.overload,
      own,
      peerDetails: peer,
      targets: targets(runs, ratioVsPeer, options.minAnalysedFps),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function sideBySide(config: Config, clip: BenchClip, options: BenchOptions, logger: Logger): Promise<{ own: OwnResult; peer: PeerResult }> {
  const frames = await decodeClip(clip.file, { fps: config.analyzer.fps, maxSide: config.analyzer.maxSide, maxFrames: options.peerFrames }, logger);
  const own = await runOwnThroughput(config, frames, logger);
  const peer = await runHumanPeer(frames, { threads: own.threads, maxFaces: config.analyzer.maxFaces, minFaceScore: config.analyzer.minFaceScore });
  return { own, peer };
}

async function live(config: Config, clip: BenchClip, options: BenchOptions, dir: string, logger: Logger) {
  const largest = Math.max(...options.ladder);
  const perRoom = Math.min(10, config.limits.peersPerRoom);
  // The configured server, on a free loopback port, with a data directory of its own (recording included:
  // it is part of what a server does per stream) and room for the ladder's streams.
  const serverConfig = Object.freeze(
    ConfigSchema.parse({
      ...config,
      server: { ...config.server, host: '127.0.0.1', port: 0 },
      dataDir: path.join(dir, 'data'),
      limits: { ...config.limits, decoders: Math.max(config.limits.decoders, largest), rooms: Math.max(config.limits.rooms, Math.ceil(largest / perRoom) + 1) },
    }),
  );
  const app = await App.start(serverConfig, logger);
  try {
    return await runLadder(app, clip, { ladder: options.ladder, minAnalysedFps: options.minAnalysedFps, warmupMs: options.warmupMs, windowMs: options.windowMs, perRoom }, logger);
  } finally {
    await app.close();
  }
}

function targets(runs: readonly LiveRun[], ratioVsPeer: number, minFps: number): BenchResult['targets'] {
  const one = runs.find((r) => r.streams === 1);
  const largest = runs.at(-1);
  const held = largest && largest.minAnalysedFps >= minFps ? largest.streams : 0;
  return [
    { goal: `streams at >= ${minFps} analysed fps >= ${TARGETS.streams}`, value: held, met: held >= TARGETS.streams },
    { goal: `p95 frame->event at 1 stream <= ${TARGETS.p95OneStreamMs} ms`, value: one?.latencyMs.p95 ?? NaN, met: (one?.latencyMs.p95 ?? Infinity) <= TARGETS.p95OneStreamMs },
    { goal: `p95 frame->event at the largest count <= ${TARGETS.p95LargestMs} ms`, value: largest?.latencyMs.p95 ?? NaN, met: (largest?.latencyMs.p95 ?? Infinity) <= TARGETS.p95LargestMs },
    { goal: `faces/s vs the peer >= ${TARGETS.ratioVsPeer}x`, value: ratioVsPeer, met: ratioVsPeer >= TARGETS.ratioVsPeer },
  ];
}
