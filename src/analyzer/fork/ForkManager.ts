// Opens a MediaFork for every producer of every room (optionally filtered) and keeps them until they close.
// The analyzer service subscribes to observer 'newfork' and runs its pipelines on fork.frames$ / fork.pcm$.
// One PortPairAllocator for all forks of the server. close() resolves once every decoder process is gone.
//
// A producer is decoded only while it sends media: a ProducerWatch polls its receive statistics and opens the
// fork once bytes arrive; a fork that goes idle closes and the watch waits again. So a participant who
// publishes tracks that never send (or mutes) holds no ffmpeg process, and `decoders` bounds how many run.
import type { Producer } from 'mediasoup/types';
import { EnhancedEventEmitter } from '../../events/EnhancedEventEmitter.js';
import type { Logger } from '../../log/logger.js';
import type { Metrics } from '../../server/metrics.js';
import type { Peer } from '../../sfu/Peer.js';
import type { Room } from '../../sfu/Room.js';
import type { RoomRegistry } from '../../sfu/RoomRegistry.js';
import { AffectcastError } from '../../contracts/errors.js';
import { PortPairAllocator } from '../decode/PortPairAllocator.js';
import { MediaFork } from './MediaFork.js';

export interface ForkManagerOptions {
  rooms: RoomRegistry;
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
  metrics?: Metrics | undefined;
  ffmpegPath?: string | undefined;
  /** How often a producer without a fork is asked whether media arrived. Default 500 ms (a worker request each). */
  mediaPollMs?: number | undefined;
  /** Which producers to fork; default: every audio and video producer. */
  filter?: ((room: Room, peer: Peer, producer: Producer) => boolean) | undefined;
}

export type ForkManagerObserverEvents = {
  newfork: [fork: MediaFork, room: Room, peer: Peer];
  /** A live producer is not analysed: its fork failed, or the decoder limit is reached. */
  unanalysed: [room: Room, peer: Peer, producer: Producer, reason: string];
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
    const onRoom = (room: Room) => this.#watchRoom(room);
    options.rooms.observer.on('newroom', onRoom);
    this.#unsubscribe.push(() => options.rooms.observer.off('newroom', onRoom));
    for (const room of options.rooms.rooms()) this.#watchRoom(room);
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
  forkPeer(room: Room, peer: Peer): void {
    for (const producer of peer.producers.values()) this.#watchProducer(room, peer, producer);
  }

  /** Closes every fork of the peer at once (consent withdrawn); its producers stay in the call. */
  closePeer(peerId: string): Promise<void> {
    const closing = [...this.#forks.values()].filter((fork) => fork.peerId === peerId).map((fork) => fork.close());
    return Promise.all(closing).then(() => undefined);
  }

  #watchRoom(room: Room): void {
    const onProducer = (peer: Peer, producer: Producer) => this.#watchProducer(room, peer, producer);
    room.observer.on('newproducer', onProducer);
    const unsubscribe = () => room.observer.off('newproducer', onProducer);
    this.#unsubscribe.push(unsubscribe);
    room.observer.once('close', unsubscribe);
    for (const peer of room.peers.values()) for (const producer of peer.producers.values()) this.#watchProducer(room, peer, producer);
  }

  #wanted(room: Room, peer: Peer, producer: Producer): boolean {
    return !this.#options.filter || this.#options.filter(room, peer, producer);
  }

  #watchProducer(room: Room, peer: Peer, producer: Producer): void {
    if (this.closed || producer.closed || !this.#wanted(room, peer, producer)) return;
    if (this.#forks.has(producer.id) || this.#opening.has(producer.id)) return;
    if (!this.#watched.has(producer.id)) {
      this.#watched.add(producer.id);
      producer.observer.once('close', () => {
        clearTimeout(this.#waiting.get(producer.id));
        this.#waiting.delete(producer.id);
        this.#toldLimit.delete(producer.id);
        this.#watched.delete(producer.id);
      });
    }
    this.#waitForMedia(room, peer, producer, 0);
  }

  /**
   * Polls the producer's receive statistics (now, then every mediaPollMs) until more than `bytesSeen` bytes
   * arrived, then forks it. The producer stays in #waiting until the poll decides, so a second watch of the
   * same producer (a consent granted again) never starts a second loop.
   */
  #waitForMedia(room: Room, peer: Peer, producer: Producer, bytesSeen: number, delayMs = 0): void {
    if (this.closed || producer.closed || this.#waiting.has(producer.id)) return;
    const timer = setTimeout(async () => {
      const bytes = (await receivedBytes(producer)) ?? bytesSeen;
      this.#waiting.delete(producer.id);
      if (this.closed || producer.closed || !this.#wanted(room, peer, producer)) return;
      if (bytes > bytesSeen && this.#hasFreeDecoder(room, peer, producer)) this.#fork(room, peer, producer, bytes);
      else this.#waitForMedia(room, peer, producer, bytesSeen, this.#options.mediaPollMs ?? 500);
    }, delayMs);
    timer.unref();
    this.#waiting.set(producer.id, timer);
  }

  #hasFreeDecoder(room: Room, peer: Peer, producer: Producer): boolean {
    const max = this.#options.maxDecoders ?? Number.POSITIVE_INFINITY;
    if (this.#forks.size + this.#opening.size < max) return true;
    if (!this.#warnedLimit) {
      this.#warnedLimit = true;
      this.#log.warn({ maxDecoders: max }, 'decoder limit reached: further streams are not analysed until one ends');
    }
    if (!this.#toldLimit.has(producer.id)) {
      this.#toldLimit.add(producer.id);
      this.observer.safeEmit('unanalysed', room, peer, producer, `this server analyses at most ${max} streams at once`);
    }
    return false;
  }

  #fork(room: Room, peer: Peer, producer: Producer, bytesSeen: number): void {
    if (this.closed || this.#forks.has(producer.id) || this.#opening.has(producer.id)) return;
    const { analyzer, logger, metrics, ffmpegPath } = this.#options;
    const opening = MediaFork.open({
      router: room.router,
      producer,
      ports: this.ports,
      portRange: room.portRange,
      fps: analyzer.fps,
      maxSide: analyzer.maxSide,
      idleTimeoutMs: analyzer.idleTimeoutMs,
      maxRestarts: analyzer.maxDecoderRestarts,
      restartWindowMs: analyzer.restartWindowMs,
      logger,
      metrics,
      ffmpegPath,
      roomId: room.id,
      peerId: peer.id,
    }).then(
      (fork) => {
        // Closed meanwhile, or no longer wanted (consent withdrawn while the decoder started).
        if (this.closed || !this.#wanted(room, peer, producer)) return fork.close();
        this.#toldLimit.delete(producer.id);
        this.#forks.set(producer.id, fork);
        metrics?.taps.inc({ kind: fork.kind });
        fork.observer.once('close', () => this.#onForkClosed(room, peer, producer, fork, bytesSeen));
        this.observer.safeEmit('newfork', fork, room, peer);
        return undefined;
      },
      (error: unknown) => {
        // A producer that closes while its fork opens is normal (a participant leaving at once).
        const quiet = error instanceof AffectcastError && error.code === 'PRODUCER_NOT_FOUND';
        this.#log[quiet ? 'debug' : 'error']({ err: error, roomId: room.id, producerId: producer.id }, 'could not fork a producer');
        if (!quiet) this.observer.safeEmit('unanalysed', room, peer, producer, 'its decoder could not start');
      },
    );
    this.#opening.set(producer.id, opening);
    void opening.finally(() => this.#opening.delete(producer.id));
  }

  #onForkClosed(room: Room, peer: Peer, producer: Producer, fork: MediaFork, bytesSeen: number): void {
    this.#forks.delete(producer.id);
    this.#options.metrics?.taps.dec({ kind: fork.kind });
    if (this.closed || producer.closed || !this.#wanted(room, peer, producer)) return;
    if (fork.failure !== undefined) {
      this.observer.safeEmit('unanalysed', room, peer, producer, fork.failure);
      return;
    }
    // Idle (or closed by its owner): decode again once media arrives after this moment.
    void receivedBytes(producer).then((now) => this.#waitForMedia(room, peer, producer, now ?? bytesSeen));
  }
}

/** Bytes the producer has received so far; undefined when it (or its worker) is gone. */
async function receivedBytes(producer: Producer): Promise<number | undefined> {
  try {
    return (await producer.getStats()).reduce((sum, s) => sum + (s.byteCount ?? 0), 0);
  } catch {
    return undefined;
  }
}
