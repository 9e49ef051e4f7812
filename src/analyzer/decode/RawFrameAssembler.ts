// Cuts ffmpeg's rawvideo byte stream into frames. The stream itself has no boundaries; the size of each frame
// arrives separately (the showinfo line on stderr, see ffmpegArgs.ts), in the same order as the frames.
// Either side may run ahead of the other: bytes wait for their size, sizes wait for their bytes. Each frame is
// copied once into its own buffer, so pipe chunks are never retained.
import { AffectcastError } from '../../contracts/errors.js';

export interface FrameSize {
  width: number;
  height: number;
  /** Media time of the frame (showinfo's pts_time), carried through to the frame. */
  ptsSeconds?: number;
}

interface AnnouncedSize extends FrameSize {
  /** performance.now() when ffmpeg reported the decoded frame (its size line). */
  announcedAt: number;
}

export interface RawFrame extends FrameSize {
  /** width * height * bytesPerPixel bytes, row-major. */
  data: Uint8Array;
  /** ms from ffmpeg reporting the decoded frame to its last byte arriving: the decoder's output and pipe time. */
  outputMs: number;
}

interface PartialFrame extends AnnouncedSize {
  data: Uint8Array;
  filled: number;
}

/** More than this many bytes without a size to cut them by means the size lines are lost: fail, don't grow. */
const MAX_UNSIZED_BYTES = 64 * 1024 * 1024;

export class RawFrameAssembler {
  readonly #bytesPerPixel: number;
  readonly #sizes: AnnouncedSize[] = [];
  readonly #chunks: Buffer[] = [];
  #bufferedBytes = 0;
  #current: PartialFrame | undefined;

  constructor(bytesPerPixel = 3) {
    this.#bytesPerPixel = bytesPerPixel;
  }

  /** Bytes received but not yet part of a complete frame. */
  get bufferedBytes(): number {
    return this.#bufferedBytes + (this.#current?.filled ?? 0);
  }

  /** Sizes announced whose frames have not started arriving. */
  get queuedSizes(): number {
    return this.#sizes.length;
  }

  pushSize(size: FrameSize): RawFrame[] {
    if (!Number.isInteger(size.width) || !Number.isInteger(size.height) || size.width <= 0 || size.height <= 0) {
      throw new AffectcastError('INTERNAL', `invalid frame size ${size.width}x${size.height}`);
    }
    this.#sizes.push({ ...size, announcedAt: performance.now() });
    return this.#drain();
  }

  pushData(chunk: Buffer): RawFrame[] {
    if (chunk.length === 0) return [];
    this.#chunks.push(chunk);
    this.#bufferedBytes += chunk.length;
    const frames = this.#drain();
    if (!this.#current && this.#bufferedBytes > MAX_UNSIZED_BYTES) {
      throw new AffectcastError('INTERNAL', `${this.#bufferedBytes} bytes of video arrived without frame sizes`);
    }
    return frames;
  }

  #drain(): RawFrame[] {
    const out: RawFrame[] = [];
    for (;;) {
      if (!this.#current) {
        const size = this.#sizes.shift();
        if (!size) break;
        this.#current = { ...size, data: new Uint8Array(size.width * size.height * this.#bytesPerPixel), filled: 0 };
      }
      const frame = this.#current;
      while (frame.filled < frame.data.length && this.#chunks.length > 0) {
        const chunk = this.#chunks[0] as Buffer;
        const take = Math.min(chunk.length, frame.data.length - frame.filled);
        frame.data.set(take === chunk.length ? chunk : chunk.subarray(0, take), frame.filled);
        frame.filled += take;
        this.#bufferedBytes -= take;
        if (take === chunk.length) this.#chunks.shift();
        else this.#chunks[0] = chunk.subarray(take);
      }
      if (frame.filled < frame.data.length) break;
      const { filled: _filled, announcedAt, ...complete } = frame;
      out.push({ ...complete, outputMs: Math.max(0, performance.now() - announcedAt) });
      this.#current = undefined;
    }
    return out;
  }
}

/** Turns s16le byte chunks into whole samples; an odd trailing byte waits for the next chunk. */
export class Pcm16Assembler {
  #carry: number | undefined;

  push(chunk: Buffer): Int16Array | undefined {
    let bytes: Buffer = chunk;
    if (this.#carry !== undefined) {
      bytes = Buffer.concat([Buffer.of(this.#carry), chunk]);
      this.#carry = undefined;
    }
    if (bytes.length % 2 === 1) {
      this.#carry = bytes[bytes.length - 1];
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    if (bytes.length === 0) return undefined;
    // A fresh, aligned copy (pipe chunks may sit at odd offsets of a shared pool). Little-endian host assumed,
    // as s16le is (x86-64, arm64).
    const samples = new Int16Array(bytes.length / 2);
    new Uint8Array(samples.buffer).set(bytes);
    return samples;
  }
}
