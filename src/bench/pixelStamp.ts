// The pixel stamp of the end-to-end sender: the wall-clock time (ms since epoch, low 32 bits) at which a
// frame entered the sender's encoder, drawn as 32 black/white blocks in the frame's bottom-left corner (the
// clip keeps the face well above it). Drawn by ffmpeg (geq over a small crop, so the sender stays cheap)
// and read back here from the analysed frame, so end to end covers encode, RTP, SFU, decode and analysis.
// Encoder and decoder live in one file so that the layout cannot drift apart.
import type { VideoFrame } from '../analyzer/media/frames.js';

/** Side of one block at the sender's 640×480; big enough to survive VP8 at webcam bitrates. */
const BLOCK = 16;
const COLUMNS = 16;
const ROWS = 2;
const BITS = COLUMNS * ROWS;
const WRAP = 2 ** BITS;
/** A stamp further in the past than this is a misread (or a frame that never was), not a latency. */
const MAX_AGE_MS = 60_000;

/**
 * The ffmpeg filter graph (for -filter_complex) that stamps input 0's video with the wall-clock time and
 * labels the result [stamped]. RTCTIME is read as each frame passes the filter, i.e. after -re pacing, just
 * before the encoder; the timestamps are restored afterwards so the encoder sees a normal stream (in µs, so
 * that frames the sender catches up on never share a timestamp).
 */
export function stampFilterGraph(height: number): string {
  const w = BLOCK * COLUMNS;
  const h = BLOCK * ROWS;
  const bit = `floor(X/${BLOCK})+${COLUMNS}*floor(Y/${BLOCK})`;
  const ms = `mod(floor(T*1000)\\,${WRAP})`;
  const lum = `255*mod(floor(${ms}/pow(2\\,${bit}))\\,2)`;
  return [
    `[0:v]settb=1/1000000,setpts=RTCTIME,split[base][code]`,
    `[code]crop=${w}:${h}:0:${height - h},geq=lum='${lum}':cb=128:cr=128[stamp]`,
    `[base][stamp]overlay=0:${height - h},setpts=PTS-STARTPTS[stamped]`,
  ].join(';');
}

/**
 * The sender time of `frame` (ms since epoch), or undefined when the corner holds no valid stamp. `sentWidth`
 * and `sentHeight` are the sender's frame size: the decoder may have scaled the frame to the analysis size.
 */
export function readStamp(frame: VideoFrame, sentWidth: number, sentHeight: number): number | undefined {
  const sx = frame.width / sentWidth;
  const sy = frame.height / sentHeight;
  let value = 0;
  for (let b = 0; b < BITS; b++) {
    const cx = ((b % COLUMNS) * BLOCK + BLOCK / 2) * sx;
    const cy = (sentHeight - BLOCK * ROWS + Math.floor(b / COLUMNS) * BLOCK + BLOCK / 2) * sy;
    const i = (Math.floor(cy) * frame.width + Math.floor(cx)) * 3;
    const luma = ((frame.data[i] ?? 0) + (frame.data[i + 1] ?? 0) + (frame.data[i + 2] ?? 0)) / 3;
    if (luma >= 128) value += 2 ** b;
  }
  // the stamp is the time modulo 2^32 ms (~50 days): the full time is the latest such time not after arrival
  const sentAt = frame.capturedAt - ((((frame.capturedAt % WRAP) - value) % WRAP) + WRAP) % WRAP;
  return frame.capturedAt - sentAt <= MAX_AGE_MS ? sentAt : undefined;
}
