// Decodes a local recording in the browser with ffmpeg.wasm (served by affectcast itself, never a CDN) into
// what the live decoder gives the analyzer: RGB frames at the server's rate and size, and 16 kHz mono PCM.
// The file is mounted read-only (WORKERFS), not copied into wasm memory, and decoded in segments, so a long
// recording needs memory for one segment only.
import { FFmpeg, FFFSType } from '@ffmpeg/ffmpeg';

const VENDOR = '/vendor/ffmpeg';
const INPUT_DIR = '/recording';
/** Media decoded per ffmpeg run. */
const SEGMENT_S = 10;

export interface RecordingInfo {
  durationMs: number;
  /** Displayed size (rotation applied). */
  width: number;
  height: number;
  hasAudio: boolean;
}

export interface DecodedSegment {
  /** Media time of the segment's start, ms. */
  startMs: number;
  width: number;
  height: number;
  /** Consecutive rgb24 frames, width × height × 3 bytes each, at `fps` from startMs. */
  frames: Uint8Array[];
  /** 16 kHz mono s16le for the same span, when asked for audio. */
  pcm: Uint8Array | null;
}

const probeFields = (value: unknown): { streams: Array<Record<string, unknown>>; format: Record<string, unknown> } => {
  const v = value as { streams?: unknown; format?: unknown };
  return { streams: Array.isArray(v.streams) ? (v.streams as Array<Record<string, unknown>>) : [], format: (v.format ?? {}) as Record<string, unknown> };
};

/** The frame size the live decoder would give: longest side at most maxSide, aspect kept, even sides. */
export function analysisSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const even = (n: number) => Math.max(16, 2 * Math.floor((n * scale) / 2));
  return { width: even(width), height: even(height) };
}

export class RecordingDecoder {
  readonly #ffmpeg = new FFmpeg();
  #file: File | undefined;
  /** ffmpeg's last log lines: what an error message quotes. */
  readonly #log: string[] = [];

  constructor() {
    this.#ffmpeg.on('log', ({ message }) => {
      this.#log.push(message);
      if (this.#log.length > 8) this.#log.shift();
    });
  }

  async open(file: File): Promise<RecordingInfo> {
    if (!this.#ffmpeg.loaded) {
      await this.#ffmpeg.load({ coreURL: `${VENDOR}/ffmpeg-core.js`, wasmURL: `${VENDOR}/ffmpeg-core.wasm`, classWorkerURL: `${VENDOR}/worker.js` });
    }
    await this.#ffmpeg.createDir(INPUT_DIR).catch(() => undefined);
    await this.#ffmpeg.mount(FFFSType.WORKERFS, { files: [file] }, INPUT_DIR);
    this.#file = file;
    // ffprobe's exit status is not reliable in this build (-1 after a clean run): its JSON says whether it read the file.
    await this.#ffmpeg.ffprobe([
      '-v', 'error',
      '-show_entries', 'stream=codec_type,width,height:stream_tags=rotate:stream_side_data=rotation:format=duration',
      '-of', 'json', this.#input(), '-o', 'probe.json',
    ]);
    const text = await this.#ffmpeg.readFile('probe.json', 'utf8').catch(() => '');
    await this.#ffmpeg.deleteFile('probe.json').catch(() => undefined);
    let probe: ReturnType<typeof probeFields>;
    try {
      probe = probeFields(JSON.parse(String(text)));
    } catch {
      throw new Error(`this file is not a recording ffmpeg can read (${this.#lastLog()})`);
    }
    const video = probe.streams.find((s) => s.codec_type === 'video');
    const durationMs = Number(probe.format.duration) * 1000;
    if (!video || !Number.isFinite(durationMs) || durationMs <= 0) throw new Error('this file has no video ffmpeg can read');
    const rotation = Math.abs(Number((video.side_data_list as Array<{ rotation?: number }> | undefined)?.[0]?.rotation ?? (video.tags as { rotate?: string } | undefined)?.rotate ?? 0));
    const [w, h] = [Number(video.width), Number(video.height)];
    const sideways = rotation === 90 || rotation === 270;
    return { durationMs, width: sideways ? h : w, height: sideways ? w : h, hasAudio: probe.streams.some((s) => s.codec_type === 'audio') };
  }

  /** Segments in media order; each holds the frames and audio of SEGMENT_S seconds. */
  async *segments(info: RecordingInfo, plan: { fps: number; maxSide: number; audio: boolean }): AsyncGenerator<DecodedSegment> {
    const { width, height } = analysisSize(info.width, info.height, plan.maxSide);
    const frameBytes = width * height * 3;
    for (let start = 0; start * 1000 < info.durationMs; start += SEGMENT_S) {
      const span = ['-ss', String(start), '-t', String(SEGMENT_S), '-i', this.#input()];
      // fps before scale: only the kept frames are scaled (as the live decoder selects, then scales)
      await this.#run([...span, '-an', '-vf', `fps=${plan.fps},scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'video.rgb']);
      const raw = await this.#take('video.rgb');
      const frames: Uint8Array[] = [];
      for (let off = 0; off + frameBytes <= raw.byteLength; off += frameBytes) frames.push(raw.subarray(off, off + frameBytes));
      let pcm: Uint8Array | null = null;
      if (plan.audio) {
        if (info.hasAudio) {
          await this.#run([...span, '-vn', '-ac', '1', '-ar', '16000', '-f', 's16le', 'audio.pcm']);
          pcm = await this.#take('audio.pcm');
        } else {
          // no audio track: silence for the span, as a live participant without a microphone
          pcm = new Uint8Array(Math.round(Math.min(SEGMENT_S * 1000, info.durationMs - start * 1000) * 16) * 2);
        }
      }
      yield { startMs: start * 1000, width, height, frames, pcm };
    }
  }

  /** Idempotent: ends the worker (and with it the mounted file). */
  close(): void {
    this.#ffmpeg.terminate();
    this.#file = undefined;
  }

  #input(): string {
    if (!this.#file) throw new Error('open a file first');
    return `${INPUT_DIR}/${this.#file.name}`;
  }

  async #run(args: string[]): Promise<void> {
    const code = await this.#ffmpeg.exec(['-hide_banner', '-loglevel', 'error', '-nostdin', ...args]);
    if (code !== 0) throw new Error(`ffmpeg could not decode this recording (exit ${code}: ${this.#lastLog()})`);
  }

  #lastLog(): string {
    return this.#log.slice(-3).join(' / ') || 'no message';
  }

  async #take(file: string): Promise<Uint8Array> {
    const data = await this.#ffmpeg.readFile(file);
    await this.#ffmpeg.deleteFile(file);
    if (typeof data === 'string') throw new Error('unexpected text output');
    return data;
  }
}
