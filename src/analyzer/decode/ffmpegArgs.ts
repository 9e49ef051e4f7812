// The ffmpeg command lines of the decoders (Debian ffmpeg 5.1). Every flag is there for a measured reason;
// In short:
//   -listen_timeout -1          the SDP/RTP input would otherwise exit after 10 s without packets (paused producer)
//   -flags low_delay, -probesize 32 -analyzeduration 0, -reorder_queue_size 0
//                               no probing buffer, no frame-threaded decoding, nothing to reorder on loopback
//   select=…                    at most `fps` frames per second, decided per frame; the fps filter would hold
//                               each frame until the next one arrives (+1 frame of latency)
//   -fps_mode passthrough       mandatory: otherwise rawvideo from RTP is CFR at 90 kHz (90 000 frames for 3 s)
//   -threads 1 (output)         the rawvideo encoder is frame-threaded by default and holds one frame back
//   -flush_packets 1            each frame is written as soon as it is encoded
//
// Video frames leave as raw rgb24 at their own size. The size of each frame is announced on stderr by the
// showinfo filter (`s:WxH`), which runs just before the frame is encoded and written, so the k-th size line
// belongs to the k-th frame on stdout. Why not self-describing PPM (`-c:v ppm -f image2pipe`): ffmpeg 5.1's
// image encoders (ppm, pam, png, bmp, …) write the size the encoder was opened with, so after a resolution
// change mid-stream the header keeps the old size while the filter delivers frames of the new one (with
// -autoscale 0: wrong pixels, a read past the frame), or ffmpeg rescales every later frame to the first
// frame's size (the default -autoscale 1: the aspect ratio is lost when it changes, e.g. a phone rotates).
// rawvideo with -autoscale 0 writes each frame at its real size, and showinfo says which size that is.
import { AffectcastError } from '../../contracts/errors.js';

export type DecoderKind = 'audio' | 'video';

export interface VideoDecodeOptions {
  /** Frames per second kept for analysis (0.5 … 30). */
  fps: number;
  /** Longest side of the output frames; smaller sources are not enlarged. */
  maxSide: number;
}

/**
 * The SDP input. `-localaddr` binds the RTP/RTCP sockets to that address only (ffmpeg binds every interface
 * otherwise). Whatever reaches the port from another sender is dropped by SRTP authentication (the SDP
 * carries the tap's key): ffmpeg cannot filter by source port, and a forged RTCP BYE would end the stream.
 */
export function sdpInputArgs(localAddress: string): string[] {
  return [
  '-protocol_whitelist', 'pipe,udp,rtp',
  '-localaddr', localAddress,
  '-listen_timeout', '-1',
  '-flags', 'low_delay',
  '-probesize', '32',
  '-analyzeduration', '0',
  '-reorder_queue_size', '0',
  '-f', 'sdp',
  '-i', 'pipe:0',
  ];
}

/** select expression: pass a frame when it opens a new 1/fps time bucket. */
export function selectFilter(fps: number): string {
  if (!(fps > 0 && fps <= 120)) throw new AffectcastError('CONFIG_INVALID', `analysis fps must be in (0, 120], got ${fps}`);
  const f = String(fps);
  return `select='isnan(prev_selected_t)+gte(floor(t*${f})-floor(prev_selected_t*${f})\\,1)'`;
}

/**
 * Fit within maxSide × maxSide, keep the aspect ratio, even dimensions (-2 = "the other side, rounded to
 * even"), never enlarge. Evaluated again for every new input size, because ffmpeg rebuilds the filter graph.
 */
export function scaleFilter(maxSide: number): string {
  if (!Number.isInteger(maxSide) || maxSide < 16) throw new AffectcastError('CONFIG_INVALID', `maxSide must be an integer >= 16, got ${maxSide}`);
  const m = String(maxSide);
  return `scale=w='if(gte(iw,ih),trunc(min(iw,${m})/2)*2,-2)':h='if(gte(iw,ih),-2,trunc(min(ih,${m})/2)*2)'`;
}

/** Arguments after the input: decoded video → rgb24 frames on stdout, their sizes on stderr. */
export function videoOutputArgs(options: VideoDecodeOptions): string[] {
  return [
    '-map', '0:v:0',
    '-vf', `${selectFilter(options.fps)},${scaleFilter(options.maxSide)},format=rgb24,showinfo=checksum=0`,
    '-autoscale', '0',
    '-pix_fmt', 'rgb24',
    '-fps_mode', 'passthrough',
    '-threads', '1',
    '-flush_packets', '1',
    '-f', 'rawvideo',
    'pipe:1',
  ];
}

/** Arguments after the input: decoded audio → 16 kHz mono s16le on stdout. */
export function audioOutputArgs(): string[] {
  return ['-map', '0:a:0', '-ac', '1', '-ar', '16000', '-threads', '1', '-flush_packets', '1', '-f', 's16le', 'pipe:1'];
}

/**
 * The whole argument list. Video logs at info level because the showinfo lines are info; every stderr line
 * carries its level ("level+" prefix), so warnings are still told apart.
 */
export function decoderArgs(kind: DecoderKind, options: VideoDecodeOptions, input: readonly string[]): string[] {
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    kind === 'video' ? 'level+info' : 'level+warning',
    ...input,
    ...(kind === 'video' ? videoOutputArgs(options) : audioOutputArgs()),
  ];
}
