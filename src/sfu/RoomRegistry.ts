// The rooms of this server, by name. A room is created (one Router on the least-loaded worker) on the first
// join and forgotten when it closes, i.e. when its last peer leaves. Concurrent first joins share one creation.
import { AffectcastError } from '../contracts/errors.js';
import { EnhancedEventEmitter } from '../events/EnhancedEventEmitter.js';
import type { Logger } from '../log/logger.js';
import { ROUTER_MEDIA_CODECS } from './mediaCodecs.js';
import { media } from './mediaErrors.js';
import { Room, type RoomLimits, type RoomNetworkOptions } from './Room.js';
import type { WorkerPool } from './WorkerPool.js';

export type RoomRegistryObserverEvents = {
  newroom: [room: Room];
  close: [];
};

export interface RegistryLimits extends RoomLimits {
  rooms: number;
}

/** config.limits in the shape the SFU uses. */
export function sfuLimits(limits: {
  rooms: number;
  peersPerRoom: number;
  transportsPerPeer: number;
  producersPerPeer: number;
  consumersPerPeer: number;
}): RegistryLimits {
  return {
    rooms: limits.rooms,
    peers: limits.peersPerRoom,
    perPeer: { transports: limits.transportsPerPeer, producers: limits.producersPerPeer, consumers: limits.consumersPerPeer },
  };
}

export class RoomRegistry {
  readonly observer = new EnhancedEventEmitter<RoomRegistryObserverEvents>();
  readonly #pool: WorkerPool;
  readonly #network: RoomNetworkOptions;
  readonly #limits: RegistryLimits;
  readonly #logger: Logger;
  readonly #log: Logger;
  readonly #rooms = new Map<string, Room>();
  readonly #creating = new Map<string, Promise<Room>>();
  #closing: Promise<void> | undefined;

  constructor(pool: WorkerPool, network: RoomNetworkOptions, limits: RegistryLimits, logger: Logger) {
    this.#pool = pool;
    this.#network = network;
    this.#limits = limits;
    this.#logger = logger.child({ component: 'sfu' });
    this.#log = this.#logger.child({ component: 'room-registry' });
    this.observer.onListenerError = (event, error) => this.#log.error({ err: error, event }, 'room registry listener failed');
    if ((network.listenIp === '0.0.0.0' || network.listenIp === '::') && /^(127\.|::1$)/.test(network.announcedAddress ?? '')) {
      this.#log.warn(
        { listenIp: network.listenIp, announcedAddress: network.announcedAddress },
        'WebRTC listens on every address but announces loopback: only browsers on this host can send media; set sfu.announcedAddress to the address browsers reach',
      );
    }
  }

  get size(): number {
    return this.#rooms.size;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  get(roomId: string): Room | undefined {
    return this.#rooms.get(roomId);
  }

  rooms(): IterableIterator<Room> {
    return this.#rooms.values();
  }

  /** The open room of that name, creating it (and its Router) if there is none. */
  getOrCreate(roomId: string): Promise<Room> {
    if (this.closed) return Promise.reject(new AffectcastError('SHUTTING_DOWN'));
    const existing = this.#rooms.get(roomId);
    if (existing && !existing.closed) return Promise.resolve(existing);
    let creating = this.#creating.get(roomId);
    if (!creating && this.#rooms.size + this.#creating.size >= this.#limits.rooms) {
      return Promise.reject(new AffectcastError('LIMIT_REACHED', `this server holds at most ${this.#limits.rooms} rooms`));
    }
    if (!creating) {
      creating = this.#create(roomId).finally(() => this.#creating.delete(roomId));
      this.#creating.set(roomId, creating);
    }
    return creating;
  }

  /** Idempotent: closes every room (and so every peer, transport and tap) and refuses new ones. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      // The open rooms close synchronously (before any worker can close under them: see App.close).
      for (const room of [...this.#rooms.values()]) room.close();
      await Promise.allSettled([...this.#creating.values()]);
      for (const room of [...this.#rooms.values()]) room.close();
      this.observer.safeEmit('close');
    })();
    return this.#closing;
  }

  async #create(roomId: string): Promise<Room> {
    const { worker, portRange } = this.#pool.pick();
    const router = await media(() => worker.createRouter({ mediaCodecs: [...ROUTER_MEDIA_CODECS], appData: { roomId } }));
    if (this.closed) {
      router.close();
      throw new AffectcastError('SHUTTING_DOWN');
    }
    const room = new Room({ id: roomId, router, portRange, network: this.#network, limits: this.#limits, logger: this.#logger });
    this.#rooms.set(roomId, room);
    room.observer.once('close', () => {
      if (this.#rooms.get(roomId) === room) this.#rooms.delete(roomId);
    });
    this.#log.info({ roomId, workerPid: worker.pid }, 'room created');
    this.observer.safeEmit('newroom', room);
    return room;
  }
}
