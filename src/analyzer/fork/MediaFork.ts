// The analyzer's copy of one producer: a Tap opened from the producer's TapOffer (the SFU's PlainTransport +
// paused consumer behind the src/contracts seam) feeding an FfmpegDecoder,
// exposed as frames$ (video) or pcm$ (audio). Both are hot (what was decoded before you subscribed is gone:
// subscribe in the 'newfork' listener, before the first frame, which comes a few hundred ms after open()),
// outlive decoder restarts and complete when the fork closes; closed$ emits once then (late subscribers get
// it too), for takeUntil(closed$).
//
// Start order (resuming before the decoder listens loses the first key frame): tap with a paused consumer → spawn the decoder →
// wait until it has bound its UDP port → resume → request a key frame, again every second until the first
// frame. A decoder that exits on its own is restarted in the same order after a backoff (200 ms, doubling up
// to 5 s); more than maxRestarts within restartWindowMs means something is wrong with this stream, and the
// fork closes with `failure` set (observer 'failed' first), so its owner can tell the people who rely on it.
// A fork whose decoder delivers nothing for idleTimeoutMs closes (`idle`): a paused or silent producer holds
// no ffmpeg process; its owner opens a new fork when media flows again.
//
// Closes when the producer closes, when the router closes (room closed), or on close(); close() is idempotent
// and resolves once the decoder process is gone and its ports are free.
import { ReplaySubject, Subject, takeUntil, type Observable, type Subscription } from 'rxjs';
import { AffectcastError } from '../../contracts/errors.js';
import type { Tap, TapKind, TapOffer } from '../../contracts/taps.js';
import { EnhancedEventEmitter } from '../../events/EnhancedEventEmitter.js';
import type { Logger } from '../../log/logger.js';
import type { PcmChunk, VideoFrame } from '../media/frames.js';
import { FfmpegDecoder, type DecoderExit } from '../decode/FfmpegDecoder.js';
import type { PortPairAllocator, PortPairLease } from '../decode/PortPairAllocator.js';
import { buildDecoderSdp } from '../decode/sdp.js';

export interface MediaForkOptions {
  /** The producer to decode (its room, peer and the way to open its tap). */
  offer: TapOffer;
  ports: PortPairAllocator;
  /** config.analyzer.fps / maxSide. */
  fps: number;
  maxSide: number;
  logger: Logger;
  ffmpegPath?: string | undefined;
  keyFrameIntervalMs?: number | undefined;
  /** Decoder restarts after unexpected exits allowed within restartWindowMs before the fork fails. Default 5. */
  maxRestarts?: number | undefined;
  /** Default 60 s. */
  restartWindowMs?: number | undefined;
  /** Close after this long without decoded media (undefined: never). */
  idleTimeoutMs?: number | undefined;
  /** How long a decoder may take to bind its port. Default 5 s. */
  listenTimeoutMs?: number | undefined;
}

export type MediaForkObserverEvents = {
  /** First frame (video) or PCM chunk (audio) of a decoder, with ms since that decoder started. */
  firstmedia: [info: { decoderPid: number | undefined; ms: number; restart: number }];
  decoderexit: [exit: DecoderExit];
  /** The decoder exited unexpectedly and is restarted (the count so far). */
  restart: [restarts: number];
  /** The fork gives up on a live producer (emitted just before close). */
  failed: [reason: string];
  close: [];
};

export interface MediaForkStats {
  frames: number;
  pcmSamples: number;
  keyFrameRequests: number;
  restarts: number;
  /** ms from the fork's start to its first frame / PCM chunk; undefined until then. */
  firstMediaMs: number | undefined;
}

const DEFAULT_KEY_FRAME_INTERVAL_MS = 1_000;
const FIRST_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 5_000;

export class MediaFork {
  readonly kind: TapKind;
  readonly producerId: string;
  readonly roomId: string;
  readonly peerId: string;
  readonly displayName: string;
  readonly frames$: Observable<VideoFrame>;
  readonly pcm$: Observable<PcmChunk>;
  readonly closed$: Observable<void>;
  readonly observer = new EnhancedEventEmitter<MediaForkObserverEvents>();
  readonly #options: MediaForkOptions;
  readonly #log: Logger;
  readonly #frames = new Subject<VideoFrame>();
  readonly #pcm = new Subject<PcmChunk>();
  readonly #closedSubject = new ReplaySubject<void>(1);
  readonly #startedAt = Date.now();
  readonly #stats: MediaForkStats = { frames: 0, pcmSamples: 0, keyFrameRequests: 0, restarts: 0, firstMediaMs: undefined };
  #lease: PortPairLease;
  #tap: Tap;
  #decoder: FfmpegDecoder | undefined;
  #decoderSubscription: Subscription | undefined;
  #keyFrameTimer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #lastMediaAt = Date.now();
  /** When each recent restart happened (within restartWindowMs). */
  readonly #restartTimes: number[] = [];
  #failure: string | undefined;
  #idle = false;
  /** Restarts only once a decoder has listened; one that fails before (during open()) fails the open. */
  #opened = false;

  private constructor(options: MediaForkOptions, tap: Tap, lease: PortPairLease) {
    this.#options = options;
    this.#tap = tap;
    this.#lease = lease;
    this.kind = tap.kind;
    this.producerId = tap.producerId;
    this.roomId = options.offer.roomId;
    this.peerId = options.offer.peerId;
    this.displayName = options.offer.displayName;
    this.#log = options.logger.child({ component: 'media-fork', kind: tap.kind, roomId: this.roomId, peerId: this.peerId, producerId: tap.producerId });
    this.observer.onListenerError = (event, error) => this.#log.error({ err: error, event }, 'fork observer listener failed');
    this.frames$ = this.#frames.asObservable();
    this.pcm$ = this.#pcm.asObservable();
    this.closed$ = this.#closedSubject.asObservable();
    tap.onClose(() => void this.close());
  }

  /**
   * Opens the tap and the decoder and resolves once the decoder listens and the consumer is resumed (the first
   * frame follows within a few hundred ms; see observer 'firstmedia'). Rejects, leaving nothing behind, if the
   * producer closes meanwhile (PRODUCER_NOT_FOUND) or the decoder cannot start (MEDIA_ERROR).
   */
  static async open(options: MediaForkOptions): Promise<MediaFork> {
    const lease = await options.ports.allocate();
    let tap: Tap;
    try {
      tap = await options.offer.openTap(lease.rtpPort);
    } catch (error) {
      lease.release();
      throw error;
    }
    const fork = new MediaFork(options, tap, lease);
    try {
      await fork.#startDecoder();
    } catch (error) {
      const producerGone = fork.closed || options.offer.closed;
      await fork.close();
      throw producerGone ? new AffectcastError('PRODUCER_NOT_FOUND', 'the producer closed while its fork was opening', { cause: error }) : error;
    }
    if (fork.closed) throw new AffectcastError('PRODUCER_NOT_FOUND', 'the producer closed while its fork was opening');
    return fork;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  get tap(): Tap {
    return this.#tap;
  }

  get decoderPid(): number | undefined {
    return this.#decoder?.pid;
  }

  get decoderArgs(): readonly string[] | undefined {
    return this.#decoder?.args;
  }

  /** Why the fork gave up on a live producer; undefined when it closed for any other reason. */
  get failure(): string | undefined {
    return this.#failure;
  }

  /** True when the fork closed because no media arrived for idleTimeoutMs. */
  get idle(): boolean {
    return this.#idle;
  }

  get stats(): Readonly<MediaForkStats> {
    return { ...this.#stats };
  }

  /** Idempotent; resolves once the decoder has exited and the tap and its ports are released. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#stopKeyFrames();
      clearTimeout(this.#restartTimer);
      clearInterval(this.#idleTimer);
      this.#tap.close();
      const decoder = this.#decoder;
      if (decoder) await decoder.stop();
      this.#decoderSubscription?.unsubscribe();
      this.#lease.release();
      this.#frames.complete();
      this.#pcm.complete();
      this.#closedSubject.next();
      this.#closedSubject.complete();
      this.#log.debug(this.#stats, 'fork closed');
      this.observer.safeEmit('close');
    })();
    return this.#closing;
  }

  async #startDecoder(): Promise<void> {
    const { fps, maxSide, ffmpegPath } = this.#options;
    const receive = this.#tap.receive;
    const sdp = buildDecoderSdp(this.#tap.codec, receive.rtpPort, receive.ip, receive.srtp);
    const decoder = new FfmpegDecoder({ kind: this.kind, sdp, localAddress: receive.ip, fps, maxSide, ffmpegPath, logger: this.#log });
    this.#decoder = decoder;
    const restart = this.#stats.restarts;
    const startedAt = Date.now();
    let first = true;
    const onFirst = () => {
      this.#lastMediaAt = Date.now();
      if (!first) return;
      first = false;
      this.#stopKeyFrames();
      const ms = Date.now() - startedAt;
      this.#stats.firstMediaMs ??= Date.now() - this.#startedAt;
      this.#log.debug({ ms, restart, pid: decoder.pid }, 'first decoded media');
      this.observer.safeEmit('firstmedia', { decoderPid: decoder.pid, ms, restart });
    };
    this.#decoderSubscription?.unsubscribe();
    this.#decoderSubscription =
      this.kind === 'video'
        ? decoder.frames$.pipe(takeUntil(this.closed$)).subscribe((frame) => {
            onFirst();
            this.#stats.frames++;
            this.#frames.next(frame);
          })
        : decoder.pcm$.pipe(takeUntil(this.closed$)).subscribe((chunk) => {
            onFirst();
            this.#stats.pcmSamples += chunk.samples.length;
            this.#pcm.next(chunk);
          });
    void decoder.exited.then((exit) => this.#onDecoderExit(decoder, exit));

    const boundMs = await decoder.waitListening(this.#lease.rtpPort, this.#options.listenTimeoutMs ?? 5_000);
    this.#opened = true;
    if (this.closed) return;
    await this.#tap.resume();
    this.#lastMediaAt = Date.now();
    this.#watchIdle();
    this.#log.debug({ pid: decoder.pid, boundMs, port: this.#lease.rtpPort, restart }, 'decoder listening; consumer resumed');
    if (this.kind === 'video' && first) this.#startKeyFrames(() => first);
  }

  /** Requests a key frame now and every interval until `waiting()` turns false (the first frame arrived). */
  #startKeyFrames(waiting: () => boolean): void {
    this.#stopKeyFrames();
    const request = () => {
      if (this.closed || !waiting()) return this.#stopKeyFrames();
      this.#stats.keyFrameRequests++;
      this.#tap.requestKeyFrame().catch((error: unknown) => this.#log.debug({ err: error }, 'key frame request failed'));
    };
    request();
    this.#keyFrameTimer = setInterval(request, this.#options.keyFrameIntervalMs ?? DEFAULT_KEY_FRAME_INTERVAL_MS);
  }

  #stopKeyFrames(): void {
    if (this.#keyFrameTimer) clearInterval(this.#keyFrameTimer);
    this.#keyFrameTimer = undefined;
  }

  #watchIdle(): void {
    const idleMs = this.#options.idleTimeoutMs;
    if (idleMs === undefined || this.#idleTimer) return;
    this.#idleTimer = setInterval(() => {
      if (this.closed || Date.now() - this.#lastMediaAt < idleMs) return;
      this.#idle = true;
      this.#log.info({ idleMs }, 'no media for a while: stopping the decoder until media flows again');
      void this.close();
    }, Math.min(1_000, idleMs));
    this.#idleTimer.unref();
  }

  #fail(reason: string, details: Record<string, unknown>): void {
    if (this.closed) return;
    this.#failure = reason;
    this.#log.error({ ...details, reason }, 'analysis of this stream stopped');
    this.observer.safeEmit('failed', reason);
    void this.close();
  }

  #onDecoderExit(decoder: FfmpegDecoder, exit: DecoderExit): void {
    this.observer.safeEmit('decoderexit', exit);
    if (this.closed || decoder !== this.#decoder || !this.#opened) return;
    this.#stopKeyFrames();
    const details = { code: exit.code, signal: exit.signal, err: exit.error };
    if (exit.error) return this.#fail('the decoder could not run', details);
    const now = Date.now();
    const windowMs = this.#options.restartWindowMs ?? 60_000;
    const maxRestarts = this.#options.maxRestarts ?? 5;
    while ((this.#restartTimes[0] ?? now) < now - windowMs) this.#restartTimes.shift();
    if (this.#restartTimes.length >= maxRestarts) {
      return this.#fail(`the decoder failed ${this.#restartTimes.length + 1} times within ${Math.round(windowMs / 1000)} s`, details);
    }
    const backoffMs = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** this.#restartTimes.length);
    this.#restartTimes.push(now);
    this.#stats.restarts++;
    this.#log.warn({ ...details, restart: this.#stats.restarts, backoffMs }, 'decoder exited unexpectedly: restarting it');
    this.observer.safeEmit('restart', this.#stats.restarts);
    this.#restartTimer = setTimeout(() => {
      if (this.closed) return;
      // A restarted decoder that dies (or never listens) is one more death, counted by this same handler.
      this.#startDecoder().catch((error: unknown) => {
        this.#log.debug({ err: error }, 'restarted decoder did not come up');
        void this.#decoder?.stop();
      });
    }, backoffMs);
  }
}
