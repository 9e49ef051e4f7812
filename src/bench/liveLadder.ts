// The live part of the bench: a real App (SFU, forks, decoders, analyzer, hub, recording), fed by synthetic
// publishers over RTP, measured at a ladder of stream counts until the slowest stream falls below the
// minimum analysed rate. Stream 1 is encoded live with the pixel stamp (end to end); the others copy the
// pre-encoded clip, so that the senders take as little of the machine as a real participant's machine would
// take of the server's (none). What is counted as the server's CPU and memory: see processTree.ts.
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { AffectcastError } from '../contracts/errors.js';
import type { Logger } from '../log/logger.js';
import type { App } from '../app/App.js';
import type { Room } from '../sfu/Room.js';
import type { BenchClip } from './benchClip.js';
import { cpuPercentBetween, sampleTree } from './processTree.js';
import { startRtpPublisher, type RtpPublisher } from './rtpPublisher.js';
import { round, percentile } from './stats.js';
import { StreamProbe } from './StreamProbe.js';

export interface LadderOptions {
  ladder: readonly number[];
  /** A run holds when its slowest stream is analysed at least this often (frames/s). */
  minAnalysedFps: number;
  warmupMs: number;
  windowMs: number;
  /** Publishers per room (rooms have a participant limit). */
  perRoom: number;
}

export interface LiveRun {
  streams: number;
  minAnalysedFps: number;
  meanAnalysedFps: number;
  latencyMs: { p50: number; p95: number; p99: number };
  /** From the pixel-stamped stream: sender's encoder input → event emitted. */
  endToEndMs: { p50: number; p95: number; n: number };
  cpuPercentPerStream: number;
  /** 100 = one core. node: the server process (main and inference threads); decoders: its ffmpeg children. */
  cpuPercent: { total: number; node: number; mediasoup: number; decoders: number };
  rssMB: number;
  rssMBPerStream: number;
  /** Decoded frames skipped because the stream's previous frame was still being analysed (latest wins). */
  droppedFrames: number;
  decodedFrames: number;
  analysedFrames: number;
  facesPerFrame: number;
  loadAverage1m: number;
}

export interface LadderResult {
  /** Every run that held, from 1 stream up (the 1-stream run is kept even if it did not). */
  runs: LiveRun[];
  /** The first run that did not hold, when the ladder reached one. */
  overload: LiveRun | undefined;
}

export async function runLadder(app: App, clip: BenchClip, options: LadderOptions, logger: Logger): Promise<LadderResult> {
  const log = logger.child({ component: 'bench' });
  const probe = new StreamProbe(app, { width: clip.width, height: clip.height });
  const publishers: RtpPublisher[] = [];
  const senders = new Set<number>();
  const rooms: Room[] = [];
  const result: LadderResult = { runs: [], overload: undefined };
  try {
    for (const streams of options.ladder) {
      while (publishers.length < streams) {
        const index = publishers.length;
        const roomIndex = Math.floor(index / options.perRoom);
        const room = (rooms[roomIndex] ??= await app.rooms.getOrCreate(`bench-${roomIndex}`));
        const stamped = index === 0;
        const publisher = await startRtpPublisher(room, clip.file, {
          name: `bench-${index}`,
          ...(stamped ? { stampHeight: clip.height, bitrate: '600k' } : { copy: true }),
          deadlineMs: 4 * 3_600_000,
        });
        publishers.push(publisher);
        if (publisher.sender?.pid !== undefined) senders.add(publisher.sender.pid);
        // as the meeting page would on the participant's behalf: nothing is analysed without consent
        app.recording.consents.answer(room.id, publisher.peer, true);
        if (stamped) probe.stampedProducerId = publisher.producer.id;
      }
      await waitForEvents(app, probe, publishers, 30_000 + streams * 1_000);
      await sleep(options.warmupMs);
      const run = await measure(app, probe, publishers, senders, options.windowMs);
      log.info(run, `bench: ${streams} streams`);
      const held = run.minAnalysedFps >= options.minAnalysedFps;
      if (held || streams === options.ladder[0]) result.runs.push(run);
      if (!held) {
        result.overload = run;
        break;
      }
    }
    return result;
  } finally {
    probe.close();
    for (const publisher of publishers) await publisher.close();
  }
}

/** Until every stream has been forked, decoded and analysed at least once since the last reset. */
async function waitForEvents(app: App, probe: StreamProbe, publishers: readonly RtpPublisher[], timeoutMs: number): Promise<void> {
  probe.reset();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const waiting = publishers.filter((p) => probe.events(p.producer.id) === 0);
    if (waiting.length === 0) return;
    if (Date.now() > deadline) {
      const unforked = waiting.filter((p) => !app.forks.forks.has(p.producer.id)).length;
      throw new AffectcastError('INTERNAL', `bench: ${waiting.length} of ${publishers.length} streams gave no event within ${timeoutMs} ms (${unforked} not forked)`);
    }
    await sleep(200);
  }
}

async function measure(app: App, probe: StreamProbe, publishers: readonly RtpPublisher[], senders: ReadonlySet<number>, windowMs: number): Promise<LiveRun> {
  const frames = () => publishers.reduce((n, p) => n + (app.forks.forks.get(p.producer.id)?.stats.frames ?? 0), 0);
  const dropped = async () => (await app.metrics.droppedFrames.get()).values[0]?.value ?? 0;
  const decoded0 = frames();
  const dropped0 = await dropped();
  const before = sampleTree(process.pid, senders);
  probe.reset();
  await sleep(windowMs);
  const window = probe.reset();
  const after = sampleTree(process.pid, senders);
  const decoded = frames() - decoded0;
  const droppedFrames = (await dropped()) - dropped0;
  const seconds = (after.at - before.at) / 1000;

  const fps = publishers.map((p) => (window.streams.get(p.producer.id)?.events ?? 0) / seconds);
  const tallies = [...window.streams.values()];
  const latency = tallies.flatMap((t) => t.latencyMs);
  const analysed = tallies.reduce((n, t) => n + t.events, 0);
  const faces = tallies.reduce((n, t) => n + t.faces, 0);
  const cpu = cpuPercentBetween(before, after);
  const total = cpu.node + cpu.mediasoup + cpu.decoders;
  const streams = publishers.length;
  return {
    streams,
    minAnalysedFps: round(Math.min(...fps)),
    meanAnalysedFps: round(fps.reduce((s, v) => s + v, 0) / streams),
    latencyMs: { p50: round(percentile(latency, 0.5), 1), p95: round(percentile(latency, 0.95), 1), p99: round(percentile(latency, 0.99), 1) },
    endToEndMs: { p50: round(percentile(window.endToEndMs, 0.5), 1), p95: round(percentile(window.endToEndMs, 0.95), 1), n: window.endToEndMs.length },
    cpuPercentPerStream: round(total / streams, 1),
    cpuPercent: { total: round(total, 1), node: round(cpu.node, 1), mediasoup: round(cpu.mediasoup, 1), decoders: round(cpu.decoders, 1) },
    rssMB: round(after.rssMB, 1),
    rssMBPerStream: round(after.rssMB / streams, 1),
    droppedFrames,
    decodedFrames: decoded,
    analysedFrames: analysed,
    facesPerFrame: round(analysed > 0 ? faces / analysed : 0),
    loadAverage1m: round(os.loadavg()[0] ?? 0),
  };
}
