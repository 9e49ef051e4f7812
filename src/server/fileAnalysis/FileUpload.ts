// One recording being analysed: frames arrive in parts, are reassembled, and each whole frame runs through
// the profile's StreamAnalyzer exactly as a live frame would; its AffectEvent goes to the room like a live
// stream's. Audio (profiles that read it) is fed causally: before a frame at media time t, the window gets
// the samples up to t and no further, as the live path's trailing window would hold them.
import type { AffectEvent } from '../../contracts/affect.js';
import { AffectcastError } from '../../contracts/errors.js';
import type { FileBeginReply } from '../../contracts/fileAnalysis.js';
import { LogMelWindow } from '../../analyzer/audio/LogMelWindow.js';
import { affectEvent } from '../../analyzer/pipeline/affectEvent.js';
import { PCM_SAMPLE_RATE } from '../../analyzer/media/frames.js';
import type { AnalysisProfile, StreamAnalyzer } from '../../analyzer/profiles/AnalysisProfile.js';

export interface FileUploadIdentity {
  uploadId: string;
  roomId: string;
  /** The recording's pseudo-participant: `file:<uploadId>`. */
  peerId: string;
  producerId: string;
}

export interface FileFramePart {
  index: number;
  t: number;
  width: number;
  height: number;
  part: number;
  parts: number;
  data: Uint8Array;
}

const SAMPLES_PER_MS = PCM_SAMPLE_RATE / 1000;

export class FileUpload {
  readonly identity: FileUploadIdentity;
  readonly settings: FileBeginReply;
  readonly #analyzer: StreamAnalyzer;
  readonly #window: LogMelWindow | undefined;
  readonly #model: AffectEvent['model'];
  readonly #startedAt: number;
  readonly #durationMs: number;
  readonly #publish: (event: AffectEvent) => void;
  /** PCM not yet fed to the window: media time of its first sample and the samples. */
  readonly #pcm: Array<{ t: number; samples: Int16Array }> = [];
  #pcmEnd = 0;
  /** The frame whose parts are arriving: the next part expected and the bytes filled so far. */
  #assembling: { index: number; t: number; width: number; height: number; parts: number; next: number; filled: number; buffer: Uint8Array } | undefined;
  #lastIndex = -1;
  #lastT = -1;
  #frames = 0;
  #events = 0;
  #closed = false;

  constructor(
    identity: FileUploadIdentity,
    profile: AnalysisProfile,
    settings: FileBeginReply,
    durationMs: number,
    publish: (event: AffectEvent) => void,
  ) {
    this.identity = identity;
    this.settings = settings;
    this.#model = profile.model;
    this.#durationMs = durationMs;
    this.#publish = publish;
    this.#startedAt = Date.now();
    this.#window = settings.audio ? new LogMelWindow(profile.audioWindowMs) : undefined;
    const silence = this.#window ?? null;
    this.#analyzer = profile.createStreamAnalyzer({
      roomId: identity.roomId,
      peerId: identity.peerId,
      producerId: identity.producerId,
      audio: () => {
        if (silence === null) throw new Error('this profile reads no audio');
        return silence;
      },
    });
  }

  get frames(): number {
    return this.#frames;
  }

  get events(): number {
    return this.#events;
  }

  /** PCM in media order without gaps; held until the frames it precedes arrive. */
  audio(t: number, pcm: Uint8Array): number {
    this.#assertOpen();
    if (!this.#window) throw new AffectcastError('BAD_REQUEST', 'this profile reads no audio: send frames only');
    if (pcm.byteLength % 2 !== 0) throw new AffectcastError('BAD_REQUEST', 'PCM is 16-bit: an even number of bytes');
    if (Math.abs(t - this.#pcmEnd) > 1) throw new AffectcastError('BAD_REQUEST', `audio must follow on without gaps: expected t=${this.#pcmEnd.toFixed(1)} ms`);
    const samples = new Int16Array(pcm.byteLength / 2);
    // little-endian on the wire; copied so the socket's buffer is not kept alive
    const view = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true);
    const end = t + samples.length / SAMPLES_PER_MS;
    if (end > this.#durationMs + 1000) throw new AffectcastError('BAD_REQUEST', 'more audio than the recording is long');
    this.#pcm.push({ t, samples });
    this.#pcmEnd = end;
    return samples.length;
  }

  /** One part of a frame; the last part runs the analysis and resolves with the faces found. */
  async frame(part: FileFramePart): Promise<number | null> {
    this.#assertOpen();
    const { maxSide, maxFrames } = this.settings;
    const bytes = part.width * part.height * 3;
    const current = this.#assembling;
    if (part.part === 0) {
      if (current) throw new AffectcastError('BAD_REQUEST', `frame ${current.index} is incomplete: send its remaining parts first`);
      if (part.index !== this.#lastIndex + 1) throw new AffectcastError('BAD_REQUEST', `expected frame ${this.#lastIndex + 1}`);
      if (part.index >= maxFrames) throw new AffectcastError('LIMIT_REACHED', `a recording may have at most ${maxFrames} frames`);
      if (part.t < this.#lastT || part.t > this.#durationMs + 1000) throw new AffectcastError('BAD_REQUEST', 'frame times must be in order and within the recording');
      if (Math.max(part.width, part.height) > maxSide) throw new AffectcastError('BAD_REQUEST', `frames must fit ${maxSide} px on their longest side`);
      this.#assembling = { index: part.index, t: part.t, width: part.width, height: part.height, parts: part.parts, next: 0, filled: 0, buffer: new Uint8Array(bytes) };
    }
    const frame = this.#assembling;
    if (!frame) throw new AffectcastError('BAD_REQUEST', 'a frame starts with part 0');
    if (part.index !== frame.index || part.part !== frame.next || part.parts !== frame.parts || part.width !== frame.width || part.height !== frame.height) {
      this.#assembling = undefined;
      throw new AffectcastError('BAD_REQUEST', `part ${part.part} does not continue frame ${frame.index} (expected part ${frame.next} of ${frame.parts})`);
    }
    const offset = frame.filled;
    if (offset + part.data.byteLength > bytes || (part.part === part.parts - 1 && offset + part.data.byteLength !== bytes)) {
      this.#assembling = undefined;
      throw new AffectcastError('BAD_REQUEST', `frame ${frame.index} must hold exactly width × height × 3 = ${bytes} bytes of rgb24`);
    }
    frame.buffer.set(part.data, offset);
    frame.next++;
    frame.filled += part.data.byteLength;
    if (frame.next < frame.parts) return null;

    this.#assembling = undefined;
    this.#lastIndex = frame.index;
    this.#lastT = frame.t;
    this.#feedAudioUntil(frame.t);
    const receivedAt = Date.now();
    // The recording's own clock, anchored where the upload began: its events sit in order on the timeline.
    const capturedAt = this.#startedAt + frame.t;
    const faces = await this.#analyzer.analyze({ width: frame.width, height: frame.height, data: frame.buffer, capturedAt, mediaTimeMs: frame.t });
    this.#frames++;
    if (this.#closed) return faces.length;
    // A recording's frame has no live latency: its latencyMs is the time it took to analyse.
    this.#publish(affectEvent({ ...this.identity, model: this.#model }, { capturedAt }, faces, capturedAt + (Date.now() - receivedAt)));
    this.#events++;
    return faces.length;
  }

  /** Idempotent: drops per-face state and anything not yet assembled. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#assembling = undefined;
    this.#pcm.length = 0;
    this.#analyzer.close();
  }

  #feedAudioUntil(t: number): void {
    const window = this.#window;
    if (!window) return;
    while (this.#pcm.length > 0) {
      const head = this.#pcm[0]!;
      const endT = head.t + head.samples.length / SAMPLES_PER_MS;
      if (endT <= t) {
        window.push(head.samples);
        this.#pcm.shift();
        continue;
      }
      const take = Math.max(0, Math.floor((t - head.t) * SAMPLES_PER_MS));
      if (take > 0) {
        window.push(head.samples.subarray(0, take));
        this.#pcm[0] = { t: head.t + take / SAMPLES_PER_MS, samples: head.samples.subarray(take) };
      }
      break;
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new AffectcastError('NOT_FOUND', 'this upload has ended');
  }
}
