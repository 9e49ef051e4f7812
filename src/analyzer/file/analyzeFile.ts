// Analyses a video (or image) file with the configured profile: every frame kept at the analysis rate goes
// through the same decoder arguments and StreamAnalyzer as a live stream, in order, none dropped. The decoder
// is paused while analysis catches up, so a long file never piles up frames in memory.
import path from 'node:path';
import type { AffectEvent } from '../../contracts/affect.js';
import type { Logger } from '../../log/logger.js';
import { LogMelWindow } from '../audio/LogMelWindow.js';
import { FfmpegDecoder } from '../decode/FfmpegDecoder.js';
import { PCM_SAMPLE_RATE, type VideoFrame } from '../media/frames.js';
import { affectEvent } from '../pipeline/affectEvent.js';
import type { AnalysisProfile } from '../profiles/AnalysisProfile.js';
import { decodeFileAudio } from './fileAudio.js';

/** An AffectEvent of a file, with where in the file the frame is. */
export type FileAffectEvent = AffectEvent & { mediaTimeMs: number | null };

export interface AnalyzeFileOptions {
  file: string;
  profile: AnalysisProfile;
  fps: number;
  maxSide: number;
  logger: Logger;
  onEvent: (event: FileAffectEvent) => void;
  /** Stops the analysis early (e.g. the reader of stdout went away). */
  signal?: AbortSignal | undefined;
}

/** Frames decoded ahead of analysis before the decoder is paused. */
const HIGH_WATER = 4;

export async function analyzeFile(options: AnalyzeFileOptions): Promise<{ frames: number }> {
  const { file, profile, logger } = options;
  const producerId = path.basename(file);
  const identity = { roomId: 'file', peerId: 'file', producerId };
  const pcm = profile.audioWindowMs > 0 ? await decodeFileAudio(file) : new Int16Array(0);
  const window = new LogMelWindow(Math.max(profile.audioWindowMs, 25));
  const stream = profile.createStreamAnalyzer({ ...identity, audio: () => window });
  const decoder = new FfmpegDecoder({
    kind: 'video',
    sdp: '',
    fps: options.fps,
    maxSide: options.maxSide,
    logger,
    inputArgs: ['-nostdin', '-i', file],
  });
  const queue: VideoFrame[] = [];
  let frames = 0;
  let wake: (() => void) | undefined;
  let ended = false;
  const subscription = decoder.frames$.subscribe({
    next: (frame) => {
      queue.push(frame);
      if (queue.length >= HIGH_WATER) decoder.pause();
      wake?.();
    },
    complete: () => {
      ended = true;
      wake?.();
    },
  });
  try {
    while (!options.signal?.aborted) {
      const frame = queue.shift();
      if (!frame) {
        if (ended) break;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (queue.length <= 1) decoder.resume();
      wake = undefined;
      if (pcm.length > 0 && frame.mediaTimeMs !== undefined) {
        // the trailing window that ends at this frame, exactly as the network was trained
        const end = Math.min(pcm.length, Math.max(0, Math.round((frame.mediaTimeMs / 1000) * PCM_SAMPLE_RATE)));
        window.reset();
        window.push(pcm.subarray(Math.max(0, end - window.windowSamples), end));
      }
      const faces = await stream.analyze(frame);
      frames++;
      options.onEvent({ ...affectEvent({ ...identity, model: profile.model }, frame, faces), mediaTimeMs: frame.mediaTimeMs ?? null });
    }
    if (options.signal?.aborted) return { frames };
    const exit = await decoder.exited;
    if (exit.error || (exit.code !== 0 && !exit.requested)) {
      throw new Error(`ffmpeg could not decode ${file} (exit ${exit.code ?? exit.signal})${exit.error ? `: ${exit.error.message}` : ''}`);
    }
    return { frames };
  } finally {
    subscription.unsubscribe();
    stream.close();
    await decoder.stop();
  }
}
