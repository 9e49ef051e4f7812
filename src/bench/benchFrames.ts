// The frames the side-by-side comparison runs on: the bench clip through the same decoder arguments (the
// analysis rate, scaled to the analysis size, rgb24) as a live stream, so both pipelines see exactly what
// the live analyzer sees.
import { firstValueFrom, toArray } from 'rxjs';
import { FfmpegDecoder } from '../analyzer/decode/FfmpegDecoder.js';
import { AffectcastError } from '../contracts/errors.js';
import type { VideoFrame } from '../analyzer/media/frames.js';
import type { Logger } from '../log/logger.js';

export async function decodeClip(file: string, options: { fps: number; maxSide: number; maxFrames: number }, logger: Logger): Promise<VideoFrame[]> {
  const decoder = new FfmpegDecoder({ kind: 'video', sdp: '', fps: options.fps, maxSide: options.maxSide, logger, inputArgs: ['-nostdin', '-i', file] });
  const frames = await firstValueFrom(decoder.frames$.pipe(toArray()));
  await decoder.stop();
  if (frames.length === 0) throw new AffectcastError('INTERNAL', `ffmpeg decoded no frame from ${file}`);
  return frames.slice(0, options.maxFrames);
}
