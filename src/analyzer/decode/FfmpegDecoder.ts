// One native ffmpeg child that receives one RTP stream (described by an SDP written to its stdin) and hands
// Node either rgb24 VideoFrames at the analysis rate or 16 kHz mono PcmChunks, as RxJS Observables.
//
// Stopping: with -listen_timeout -1, the first SIGTERM only asks ffmpeg to finish, and an ffmpeg blocked in a
// UDP read never gets there; the second SIGTERM interrupts the read. So: SIGTERM, SIGTERM 50 ms later, SIGKILL
// after 1 s. ffmpeg then exits with code 255 ("Immediate exit requested"): that is the normal end here.
// Node reaps the child as soon as it exits (no zombie); `exited` resolves then.
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { Subject, type Observable } from 'rxjs';
import type { PcmChunk, VideoFrame } from '../media/frames.js';
import type { Logger } from '../../log/logger.js';
import { AffectcastError } from '../../contracts/errors.js';
import { decoderArgs, sdpInputArgs, type DecoderKind, type VideoDecodeOptions } from './ffmpegArgs.js';
import { LineSplitter, parseFfmpegLogLine, showinfoFrameSize, type FfmpegLogLine } from './ffmpegLog.js';
import { Pcm16Assembler, RawFrameAssembler } from './RawFrameAssembler.js';
import { spawnTied } from './spawnTied.js';
import { waitUdpBound } from './udpListening.js';

export interface FfmpegDecoderOptions extends VideoDecodeOptions {
  kind: DecoderKind;
  /** SDP for the RTP stream (see buildDecoderSdp). */
  sdp: string;
  /** The only local address the decoder's RTP/RTCP sockets bind (the tap's own). */
  localAddress?: string | undefined;
  logger: Logger;
  ffmpegPath?: string | undefined;
  /** Replaces the SDP input arguments (tests feed other inputs through the same output chain)… */
  inputArgs?: readonly string[] | undefined;
  /** …and what is piped to stdin instead of the SDP. */
  stdin?: Readable | undefined;
}

export interface DecoderExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when stop() was called before the exit: then code 255 / a signal is the expected end. */
  requested: boolean;
  /** Spawn failure (ffmpeg not installed) or an unparseable output stream. */
  error?: Error | undefined;
}

const SECOND_SIGTERM_MS = 50;
const SIGKILL_MS = 1_000;
/** Known-harmless ffmpeg warnings (no rate estimate with -probesize 32; the exit a stop by signal asks for), logged at debug only. */
const HARMLESS = [/not enough frames to estimate rate/, /Immediate exit requested/, /Exiting normally, received signal/, /deprecated pixel format used/];
/** At most this many warning lines per decoder reach the log; ffmpeg can repeat one per packet. */
const MAX_LOGGED_WARNINGS = 20;

export class FfmpegDecoder {
  readonly kind: DecoderKind;
  readonly args: readonly string[];
  /** Decoded frames (video decoders; completes at exit). */
  readonly frames$: Observable<VideoFrame>;
  /** Decoded audio (audio decoders; completes at exit). */
  readonly pcm$: Observable<PcmChunk>;
  /** Resolves once the process has exited and been reaped. Never rejects. */
  readonly exited: Promise<DecoderExit>;
  readonly #child: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly #frames = new Subject<VideoFrame>();
  readonly #pcm = new Subject<PcmChunk>();
  readonly #log: Logger;
  readonly #assembler = new RawFrameAssembler(3);
  readonly #pcmAssembler = new Pcm16Assembler();
  readonly #lines = new LineSplitter();
  #exit: DecoderExit | undefined;
  #stopRequested = false;
  #warnings = 0;
  #framesOut = 0;

  constructor(options: FfmpegDecoderOptions) {
    this.kind = options.kind;
    if (!options.inputArgs && !options.localAddress) throw new AffectcastError('INTERNAL', 'an RTP decoder needs the address to bind');
    this.args = decoderArgs(options.kind, options, options.inputArgs ?? sdpInputArgs(options.localAddress ?? ''));
    this.frames$ = this.#frames.asObservable();
    this.pcm$ = this.#pcm.asObservable();
    // tied to this process: a killed server leaves no decoder behind
    this.#child = spawnTied(options.ffmpegPath ?? 'ffmpeg', this.args);
    this.#log = options.logger.child({ component: 'decoder', kind: options.kind, ffmpegPid: this.#child.pid });

    let resolveExited!: (exit: DecoderExit) => void;
    this.exited = new Promise((resolve) => (resolveExited = resolve));
    let spawnError: Error | undefined;
    this.#child.once('error', (error) => {
      spawnError = error;
      this.#log.error({ err: error }, 'could not start ffmpeg');
      // 'exit' does not follow a failed spawn.
      if (this.#child.pid === undefined) this.#finish(resolveExited, { code: null, signal: null, requested: this.#stopRequested, error });
    });
    // 'close' comes after 'exit' once stdout and stderr are drained too, so no frame is lost at the end.
    this.#child.once('close', (code, signal) => {
      this.#finish(resolveExited, { code, signal, requested: this.#stopRequested, error: spawnError });
    });

    this.#child.stdin.on('error', () => undefined); // EPIPE when ffmpeg dies before reading the SDP
    if (options.stdin) options.stdin.pipe(this.#child.stdin);
    else this.#child.stdin.end(options.sdp);
    this.#child.stderr.setEncoding('utf8');
    this.#child.stderr.on('data', (text: string) => {
      for (const line of this.#lines.push(text)) this.#onLogLine(line);
    });
    this.#child.stdout.on('data', (chunk: Buffer) => {
      if (this.kind === 'video') this.#guard(() => this.#emitFrames(this.#assembler.pushData(chunk)));
      else {
        const samples = this.#pcmAssembler.push(chunk);
        if (samples) this.#pcm.next({ samples, capturedAt: Date.now() });
      }
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null && this.#child.pid !== undefined;
  }

  /** Frames emitted so far. */
  get frameCount(): number {
    return this.#framesOut;
  }

  /** Resolves (with the ms waited) once ffmpeg has bound its RTP port; rejects if it exits or times out. */
  async waitListening(rtpPort: number, timeoutMs = 5_000): Promise<number> {
    const pid = this.#child.pid;
    if (pid === undefined) throw (await this.exited).error ?? new Error('ffmpeg did not start');
    return waitUdpBound(pid, rtpPort, { timeoutMs, stillRunning: () => this.running });
  }

  /**
   * Stops reading decoded output, so ffmpeg blocks once the pipe is full: backpressure for consumers that
   * must see every frame of a file (`affectcast analyze`). Live streams never pause (latest wins instead).
   */
  pause(): void {
    this.#child.stdout.pause();
  }

  resume(): void {
    this.#child.stdout.resume();
  }

  /** Idempotent. SIGTERM, a second SIGTERM after 50 ms, SIGKILL after 1 s; resolves at exit. */
  stop(): Promise<DecoderExit> {
    if (!this.#stopRequested && this.running) {
      this.#stopRequested = true;
      this.#child.kill('SIGTERM');
      const second = setTimeout(() => this.running && this.#child.kill('SIGTERM'), SECOND_SIGTERM_MS);
      const kill = setTimeout(() => {
        if (!this.running) return;
        this.#log.warn('ffmpeg ignored two SIGTERMs: SIGKILL');
        this.#child.kill('SIGKILL');
      }, SIGKILL_MS);
      void this.exited.then(() => {
        clearTimeout(second);
        clearTimeout(kill);
      });
    }
    this.#stopRequested = true;
    return this.exited;
  }

  #onLogLine(raw: string): void {
    const line = parseFfmpegLogLine(raw);
    const size = this.kind === 'video' ? showinfoFrameSize(line) : undefined;
    if (size) {
      this.#guard(() => this.#emitFrames(this.#assembler.pushSize(size)));
      return;
    }
    this.#logLine(line);
  }

  #logLine(line: FfmpegLogLine): void {
    const text = line.context ? `[${line.context}] ${line.text}` : line.text;
    const severe = line.level === 'error' || line.level === 'fatal' || line.level === 'panic';
    if ((!severe && line.level !== 'warning') || HARMLESS.some((re) => re.test(line.text))) {
      this.#log.trace({ ffmpeg: text }, 'ffmpeg');
      return;
    }
    if (++this.#warnings > MAX_LOGGED_WARNINGS) return;
    if (this.#warnings === MAX_LOGGED_WARNINGS) this.#log.warn('more ffmpeg warnings follow; not logging them');
    else if (severe && !this.#stopRequested) this.#log.error({ ffmpeg: text }, 'ffmpeg error');
    else this.#log.warn({ ffmpeg: text }, 'ffmpeg warning');
  }

  #emitFrames(frames: ReturnType<RawFrameAssembler['pushData']>): void {
    const capturedAt = Date.now();
    for (const frame of frames) {
      this.#framesOut++;
      this.#frames.next({
        width: frame.width,
        height: frame.height,
        data: frame.data,
        capturedAt,
        decodeMs: frame.outputMs,
        ...(frame.ptsSeconds !== undefined ? { mediaTimeMs: frame.ptsSeconds * 1000 } : {}),
      });
    }
  }

  /** A broken frame stream cannot be resynchronised: stop the decoder (its owner may start another). */
  #guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.#log.error({ err: error }, 'decoder output is inconsistent: stopping it');
      void this.stop();
    }
  }

  #finish(resolve: (exit: DecoderExit) => void, exit: DecoderExit): void {
    if (this.#exit) return;
    this.#exit = exit;
    for (const line of this.#lines.flush()) this.#onLogLine(line);
    // A stop we asked for, or the end of a file input (code 0), is the normal end.
    const expected = (exit.requested || exit.code === 0) && !exit.error;
    this.#log[expected ? 'debug' : 'warn']({ code: exit.code, signal: exit.signal, frames: this.#framesOut }, 'ffmpeg exited');
    this.#frames.complete();
    this.#pcm.complete();
    resolve(exit);
  }
}
