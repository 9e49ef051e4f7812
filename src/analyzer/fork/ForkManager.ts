// Opens a MediaFork for every producer of every room (optionally filtered) and keeps them until they close.
// The analyzer service subscribes to observer 'newfork' and runs its pipelines on fork.frames$ / fork.pcm$.
// One PortPairAllocator for all forks of the server. close() resolves once every decoder process is gone.
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
  /** config.analyzer (fps, maxSide, decoderPorts). */
  analyzer: { fps: number; maxSide: number; decoderPorts: { min: number; max: number } };
  logger: Logger;
  metrics?: Metrics | undefined;
  ffmpegPath?: string | undefined;
  /** Which producers to fork; default: every audio and video producer. */
  filter?: ((room: Room, peer: Peer, producer: Producer) => boolean) | undefined;
}

export type ForkManagerObserverEvents = {
  newfork: [fork: MediaFork, room: Room, peer: Peer];
  close: [];
};

export class ForkManager {
  readonly observer = new EnhancedEventEmitter<ForkManagerObserverEvents>();
  readonly ports: PortPairAllocator;
  readonly #options: ForkManagerOptions;
  readonly #log: Logger;
  readonly #forks = new Map<string, MediaFork>();
  readonly #opening = new Set<Promise<unknown>>();
  readonly #unsubscribe: Array<() => void> = [];
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

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Idempotent: stops forking and closes every fork; resolves once their decoders have exited. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
      await Promise.allSettled([...this.#opening]);
      await Promise.all([...this.#forks.values()].map((fork) => fork.close()));
      this.observer.safeEmit('close');
    })();
    return this.#closing;
  }

  /** Forks the peer's producers that are not forked yet (e.g. once it consents); the filter still applies. */
  forkPeer(room: Room, peer: Peer): void {
    for (const producer of peer.producers.values()) this.#fork(room, peer, producer);
  }

  /** Closes every fork of the peer at once (consent withdrawn); its producers stay in the call. */
  closePeer(peerId: string): Promise<void> {
    const closing = [...this.#forks.values()].filter((fork) => fork.peerId === peerId).map((fork) => fork.close());
    return Promise.all(closing).then(() => undefined);
  }

  #watchRoom(room: Room): void {
    const onProducer = (peer: Peer, producer: Producer) => this.#fork(room, peer, producer);
    room.observer.on('newproducer', onProducer);
    const unsubscribe = () => room.observer.off('newproducer', onProducer);
    this.#unsubscribe.push(unsubscribe);
    room.observer.once('close', unsubscribe);
    for (const peer of room.peers.values()) for (const producer of peer.producers.values()) this.#fork(room, peer, producer);
  }

  #fork(room: Room, peer: Peer, producer: Producer): void {
    if (this.closed || this.#forks.has(producer.id)) return;
    if (this.#options.filter && !this.#options.filter(room, peer, producer)) return;
    const { analyzer, logger, metrics, ffmpegPath } = this.#options;
    const opening = MediaFork.open({
      router: room.router,
      producer,
      ports: this.ports,
      portRange: room.portRange,
      fps: analyzer.fps,
      maxSide: analyzer.maxSide,
      logger,
      metrics,
      ffmpegPath,
      roomId: room.id,
      peerId: peer.id,
    }).then(
      (fork) => {
        // Closed meanwhile, or no longer wanted (consent withdrawn while the decoder started).
        if (this.closed || (this.#options.filter && !this.#options.filter(room, peer, producer))) return fork.close();
        this.#forks.set(producer.id, fork);
        fork.observer.once('close', () => this.#forks.delete(producer.id));
        this.observer.safeEmit('newfork', fork, room, peer);
        return undefined;
      },
      (error: unknown) => {
        // A producer that closes while its fork opens is normal (a participant leaving at once).
        const quiet = error instanceof AffectcastError && error.code === 'PRODUCER_NOT_FOUND';
        this.#log[quiet ? 'debug' : 'error']({ err: error, roomId: room.id, producerId: producer.id }, 'could not fork a producer');
      },
    );
    this.#opening.add(opening);
    void opening.finally(() => this.#opening.delete(opening));
  }
}
