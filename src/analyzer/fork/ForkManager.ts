// Opens a MediaFork for every producer the TapSource offers (optionally filtered) and keeps them until they close.
// The analyzer service subscribes to observer 'newfork' and runs its pipelines on fork.frames$ / fork.pcm$.
// One PortPairAllocator for all forks of the server. close() resolves once every decoder process is gone.
//
// A producer is decoded only while it sends media: the manager polls its offer's receive statistics and opens the
// fork once bytes arrive; a fork that goes idle closes and the watch waits again. So a participant who
// publishes tracks that never send (or mutes) holds no ffmpeg process, and `decoders` bounds how many run.
import { AffectcastError } from '../../contracts/errors.js';
import type { TapOffer, TapSource } from '../../contracts/taps.js';
import { EnhancedEventEmitter } from '../../events/EnhancedEventEmitter.js';
import type { Logger } from '../../log/logger.js';
import { PortPairAllocator } from '../decode/PortPairAllocator.js';
import { MediaFork } from './MediaFork.js';

export interface ForkManagerOptions {
  /** Every live producer (the SFU implements it). */
  taps: TapSource;
  /** config.analyzer (fps, maxSide, decoderPorts, idle and restart policy). */
  analyzer: {
    fps: number;
    maxSide: number;
    decoderPorts: { min: number; max: number };
    idleTimeoutMs?: number | undefined;
    maxDecoderRestarts?: number | undefined;
    restartWindowMs?: number | undefined;
  };
  /** config.limits.decoders: forks open (or opening) at once on this server. */
  maxDecoders?: number | undefined;
  logger: Logger;
  ffmpegPath?: string | undefined;
  /** How often a producer without a fork is asked whether media arrived. Default 500 ms (a worker request each). */
  mediaPollMs?: number | undefined;
  /** Which producers to fork; default: every audio and video producer. */
  filter?: ((offer: TapOffer) => boolean) | undefined;
}

export type ForkManagerObserverEvents = {
  /** The fork knows its room, peer and display name; subscribe to its streams here, before its first frame. */
  newfork: [fork: MediaFork];
  /** A live producer is not analysed: its fork failed, or the decoder limit is reached. */
  unanalysed: [offer: TapOffer, reason: string];
  close: [];
};

export class ForkManager {
  readonly observer = new EnhancedEventEmitter<ForkManagerObserverEvents>();
  readonly ports: PortPairAllocator;
  readonly #options: ForkManagerOptions;
  readonly #log: Logger;
  readonly #forks = new Map<string, MediaFork>();
  readonly #opening = new Map<string, Promise<unknown>>();
  /** Producers waiting for media (or for a free decoder), with their poll timers. */
  readonly #waiting = new Map<string, NodeJS.Timeout>();
  readonly #unsubscribe: Array<() => void> = [];
  /** Producers with a close listener of ours (each gets one, however often it is watched again). */
  readonly #watched = new Set<string>();
  /** Producers already told they are not analysed because of the decoder limit (told once each). */
  readonly #toldLimit = new Set<string>();
  #warnedLimit = false;
  #closing: Promise<void> | undefined;

  constructor(options: ForkManagerOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'fork-manager' });
    this.observer.onListenerError = (event, error) => this.#log.error({ err: error, event }, 'fork manager listener failed');
    this.ports = new PortPairAllocator(options.analyzer.decoderPorts);
    this.#unsubscribe.push(options.taps.onOffer((offer) => this.#watchProducer(offer)));
    for (const offer of options.taps.offers()) this.#watchProducer(offer);
  }

  /** Open forks by producer id. */
  get forks(): ReadonlyMap<string, MediaFork> {
    return this.#forks;
  }

  /** Producers that are watched but not decoded right now (no media yet, idle, or no free decoder). */
  get waiting(): number {
    return this.#waiting.size;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Idempotent: stops forking and closes every fork; resolves once their decoders have exited. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
      for (const timer of this.#waiting.values()) clearTimeout(timer);
      this.#waiting.clear();
      await Promise.allSettled([...this.#opening.values()]);
      await Promise.all([...this.#forks.values()].map((fork) => fork.close()));
      this.observer.safeEmit('close');
    })();
    return this.#closing;
  }

  /** Watches the peer's producers again (e.g. once it consents): each is forked when it sends media. */
  forkPeer(roomId: string, peerId: string): void {
    for (const offer of this.#options.taps.offersOf(roomId, peerId)) this.#watchProducer(offer);
  }

  /** Closes every fork of the peer at once (consent withdrawn); its producers stay in the call. */
  closePeer(peerId: string): Promise<void> {
    const closing = [...this.#forks.values()].filter((fork) => fork.peerId === peerId).map((fork) => fork.close());
    return Promise.all(closing).then(() => undefined);
  }

  #wanted(offer: TapOffer): boolean {
    return !this.#options.filter || this.#options.filter(offer);
  }

  #watchProducer(offer: TapOffer): void {
    const id = offer.producerId;
    if (this.closed || offer.closed || !this.#wanted(offer)) return;
    if (this.#forks.has(id) || this.#opening.has(id)) return;
    if (!this.#watched.has(id)) {
      this.#watched.add(id);
      offer.onClose(() => {
        clearTimeout(this.#waiting.get(id));
        this.#waiting.delete(id);
        this.#toldLimit.delete(id);
        this.#watched.delete(id);
      });
    }
    this.#waitForMedia(offer, 0);
  }

  /**
   * Polls the producer's receive statistics (now, then every mediaPollMs) until more than `bytesSeen` bytes
   * arrived, then forks it. The producer stays in #waiting until the poll decides, so a second watch of the
   * same producer (a consent granted again) never starts a second loop.
   */
  #waitForMedia(offer: TapOffer, bytesSeen: number, delayMs = 0): void {
    const id = offer.producerId;
    if (this.closed || offer.closed || this.#waiting.has(id)) return;
    const timer = setTimeout(async () => {
      const bytes = (await offer.receivedBytes()) ?? bytesSeen;
      this.#waiting.delete(id);
      if (this.closed || offer.closed || !this.#wanted(offer)) return;
      if (bytes > bytesSeen && this.#hasFreeDecoder(offer)) this.#fork(offer, bytes);
      else this.#waitForMedia(offer, bytesSeen, this.#options.mediaPollMs ?? 500);
    }, delayMs);
    timer.unref();
    this.#waiting.set(id, timer);
  }

  #hasFreeDecoder(offer: TapOffer): boolean {
    const max = this.#options.maxDecoders ?? Number.POSITIVE_INFINITY;
    if (this.#forks.size + this.#opening.size < max) return true;
    if (!this.#warnedLimit) {
      this.#warnedLimit = true;
      this.#log.warn({ maxDecoders: max }, 'decoder limit reached: further streams are not analysed until one ends');
    }
    if (!this.#toldLimit.has(offer.producerId)) {
      this.#toldLimit.add(offer.producerId);
      this.observer.safeEmit('unanalysed', offer, `this server analyses at most ${max} streams at once`);
    }
    return false;
  }

  #fork(offer: TapOffer, bytesSeen: number): void {
    const id = offer.producerId;
    if (this.closed || this.#forks.has(id) || this.#opening.has(id)) return;
    const { analyzer, logger, ffmpegPath } = this.#options;
    const opening = MediaFork.open({
      offer,
      ports: this.ports,
      fps: analyzer.fps,
      maxSide: analyzer.maxSide,
      idleTimeoutMs: analyzer.idleTimeoutMs,
      maxRestarts: analyzer.maxDecoderRestarts,
      restartWindowMs: analyzer.restartWindowMs,
      logger,
      ffmpegPath,
    }).then(
      (fork) => {
        // Closed meanwhile, or no longer wanted (consent withdrawn while the decoder started).
        if (this.closed || !this.#wanted(offer)) return fork.close();
        this.#toldLimit.delete(id);
        this.#forks.set(id, fork);
        fork.observer.once('close', () => this.#onForkClosed(offer, fork, bytesSeen));
        this.observer.safeEmit('newfork', fork);
        return undefined;
      },
      (error: unknown) => {
        // A producer that closes while its fork opens is normal (a participant leaving at once).
        const quiet = error instanceof AffectcastError && error.code === 'PRODUCER_NOT_FOUND';
        this.#log[quiet ? 'debug' : 'error']({ err: error, roomId: offer.roomId, producerId: id }, 'could not fork a producer');
        if (!quiet) this.observer.safeEmit('unanalysed', offer, 'its decoder could not start');
      },
    );
    this.#opening.set(id, opening);
    void opening.finally(() => this.#opening.delete(id));
  }

  #onForkClosed(offer: TapOffer, fork: MediaFork, bytesSeen: number): void {
    this.#forks.delete(offer.producerId);
    if (this.closed || offer.closed || !this.#wanted(offer)) return;
    if (fork.failure !== undefined) {
      this.observer.safeEmit('unanalysed', offer, fork.failure);
      return;
    }
    // Idle (or closed by its owner): decode again once media arrives after this moment.
    void offer.receivedBytes().then((now) => this.#waitForMedia(offer, now ?? bytesSeen));
  }
}
