// The frames a benchmark runs on: one decoded still, through the same decoder arguments (scale to the
// analysis size, rgb24) as a live stream, so the analyzer sees exactly what it would see live.
import { firstValueFrom, toArray } from 'rxjs';
import { FfmpegDecoder } from '../analyzer/decode/FfmpegDecoder.js';
import type { VideoFrame } from '../analyzer/media/frames.js';
import type { Logger } from '../log/logger.js';

export async function decodeStill(file: string, maxSide: number, logger: Logger): Promise<VideoFrame> {
  const decoder = new FfmpegDecoder({ kind: 'video', sdp: '', fps: 1, maxSide, logger, inputArgs: ['-nostdin', '-i', file] });
  const frames = await firstValueFrom(decoder.frames$.pipe(toArray()));
  await decoder.stop();
  const frame = frames[0];
  if (!frame) throw new Error(`ffmpeg decoded no frame from ${file}`);
  return frame;
}
