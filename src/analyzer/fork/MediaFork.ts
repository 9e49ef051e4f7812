// The analyzer's copy of one producer: a MediaTap (PlainTransport + paused consumer) feeding an FfmpegDecoder,
// exposed as frames$ (video) or pcm$ (audio). Both are hot (what was decoded before you subscribed is gone:
// subscribe in the 'newfork' listener, before the first frame, which comes a few hundred ms after open()),
// outlive decoder restarts and complete when the fork closes; closed$ emits once then (late subscribers get
// it too), for takeUntil(closed$).
//
// Start order (each step measured in research/e2e/NOTES.md): tap with a paused consumer → spawn the decoder →
// wait until it has bound its UDP port → resume → request a key frame, again every second until the first
// frame. A decoder that exits on its own is restarted (up to maxRestarts) with the same order.
//
// Closes when the producer closes, when the router closes (room closed), or on close(); close() is idempotent
// and resolves once the decoder process is gone and its ports are free.
import type { MediaKind, Producer, Router, TransportPortRange } from 'mediasoup/types';
import { ReplaySubject, Subject, takeUntil, type Observable, type Subscription } from 'rxjs';
import { AffectcastError } from '../../contracts/errors.js';
import { EnhancedEventEmitter } from '../../events/EnhancedEventEmitter.js';
import type { Logger } from '../../log/logger.js';
import type { Metrics } from '../../server/metrics.js';
import { MediaTap } from '../../sfu/MediaTap.js';
import type { PcmChunk, VideoFrame } from '../media/frames.js';
import { FfmpegDecoder, type DecoderExit } from '../decode/FfmpegDecoder.js';
import type { PortPairAllocator, PortPairLease } from '../decode/PortPairAllocator.js';
import { buildDecoderSdp } from '../decode/sdp.js';

export interface MediaForkOptions {
  router: Router;
  producer: Producer;
  ports: PortPairAllocator;
  /** The room's worker port range, for the tap's own ports (Room.portRange). */
  portRange?: TransportPortRange | undefined;
  /** config.analyzer.fps / maxSide. */
  fps: number;
  maxSide: number;
  logger: Logger;
  metrics?: Metrics | undefined;
  /** Labels carried for the analyzer's events. */
  roomId?: string | undefined;
  peerId?: string | undefined;
  ffmpegPath?: string | undefined;
  keyFrameIntervalMs?: number | undefined;
  /** Decoder restarts after unexpected exits before the fork gives up and closes. Default 3. */
  maxRestarts?: number | undefined;
  /** How long a decoder may take to bind its port. Default 5 s. */
  listenTimeoutMs?: number | undefined;
}

export type MediaForkObserverEvents = {
  /** First frame (video) or PCM chunk (audio) of a decoder, with ms since that decoder started. */
  firstmedia: [info: { decoderPid: number | undefined; ms: number; restart: number }];
  decoderexit: [exit: DecoderExit];
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

export class MediaFork {
  readonly kind: MediaKind;
  readonly producerId: string;
  readonly roomId: string | undefined;
  readonly peerId: string | undefined;
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
  #tap: MediaTap;
  #decoder: FfmpegDecoder | undefined;
  #decoderSubscription: Subscription | undefined;
  #keyFrameTimer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;
  #tapCounted = false;
  /** Restarts only once a decoder has listened; one that fails before (during open()) fails the open. */
  #opened = false;

  private constructor(options: MediaForkOptions, tap: MediaTap, lease: PortPairLease) {
    this.#options = options;
    this.#tap = tap;
    this.#lease = lease;
    this.kind = tap.kind;
    this.producerId = tap.producerId;
    this.roomId = options.roomId;
    this.peerId = options.peerId;
    this.#log = options.logger.child({ component: 'media-fork', kind: tap.kind, producerId: tap.producerId });
    this.observer.onListenerError = (event, error) => this.#log.error({ err: error, event }, 'fork observer listener failed');
    this.frames$ = this.#frames.asObservable();
    this.pcm$ = this.#pcm.asObservable();
    this.closed$ = this.#closedSubject.asObservable();
    tap.observer.once('close', () => void this.close());
  }

  /**
   * Opens the tap and the decoder and resolves once the decoder listens and the consumer is resumed (the first
   * frame follows within a few hundred ms; see observer 'firstmedia'). Rejects, leaving nothing behind, if the
   * producer closes meanwhile (PRODUCER_NOT_FOUND) or the decoder cannot start (MEDIA_ERROR).
   */
  static async open(options: MediaForkOptions): Promise<MediaFork> {
    const lease = await options.ports.allocate();
    let tap: MediaTap;
    try {
      tap = await MediaTap.open({ router: options.router, producer: options.producer, rtpPort: lease.rtpPort, portRange: options.portRange });
    } catch (error) {
      lease.release();
      throw error;
    }
    const fork = new MediaFork(options, tap, lease);
    try {
      await fork.#startDecoder();
    } catch (error) {
      const producerGone = fork.closed || options.producer.closed;
      await fork.close();
      throw producerGone ? new AffectcastError('PRODUCER_NOT_FOUND', 'the producer closed while its fork was opening', { cause: error }) : error;
    }
    if (fork.closed) throw new AffectcastError('PRODUCER_NOT_FOUND', 'the producer closed while its fork was opening');
    return fork;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  get tap(): MediaTap {
    return this.#tap;
  }

  get decoderPid(): number | undefined {
    return this.#decoder?.pid;
  }

  get decoderArgs(): readonly string[] | undefined {
    return this.#decoder?.args;
  }

  get stats(): Readonly<MediaForkStats> {
    return { ...this.#stats };
  }

  /** Idempotent; resolves once the decoder has exited and the tap and its ports are released. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#stopKeyFrames();
      this.#tap.close();
      if (this.#tapCounted) this.#options.metrics?.taps.dec({ kind: this.kind });
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
    const sdp = buildDecoderSdp(this.#tap.codec, this.#lease.rtpPort);
    const decoder = new FfmpegDecoder({ kind: this.kind, sdp, fps, maxSide, ffmpegPath, logger: this.#log });
    this.#decoder = decoder;
    const restart = this.#stats.restarts;
    const startedAt = Date.now();
    let first = true;
    const onFirst = () => {
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
            this.#options.metrics?.decodedFrames.inc();
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
    if (!this.#tapCounted) {
      this.#tapCounted = true;
      this.#options.metrics?.taps.inc({ kind: this.kind });
    }
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

  #onDecoderExit(decoder: FfmpegDecoder, exit: DecoderExit): void {
    this.observer.safeEmit('decoderexit', exit);
    if (this.closed || decoder !== this.#decoder || !this.#opened) return;
    this.#stopKeyFrames();
    const maxRestarts = this.#options.maxRestarts ?? 3;
    if (exit.error || this.#stats.restarts >= maxRestarts) {
      this.#log.error({ code: exit.code, signal: exit.signal, restarts: this.#stats.restarts, err: exit.error }, 'decoder failed: closing the fork');
      void this.close();
      return;
    }
    this.#stats.restarts++;
    this.#log.warn({ code: exit.code, signal: exit.signal, restart: this.#stats.restarts }, 'decoder exited unexpectedly: restarting it');
    this.#startDecoder().catch((error: unknown) => {
      if (this.closed) return;
      this.#log.error({ err: error }, 'decoder restart failed: closing the fork');
      void this.close();
    });
  }
}
