// A room is one mediasoup Router and the peers joined to it. It closes itself when its last peer leaves, and
// when its router closes under it (worker death). Whoever watches it (the tap source, and the composition
// root's wiring and metrics) hangs off `observer`: newpeer, peerclosed, newproducer (peer, producer), close.
import type { Producer, Router, TransportListenInfo, TransportPortRange, WebRtcTransportOptions } from 'mediasoup/types';
import { AffectcastError } from '../contracts/errors.js';
import type { PeerInfo } from '../contracts/sfu.js';
import { EnhancedEventEmitter } from '../events/EnhancedEventEmitter.js';
import type { Logger } from '../log/logger.js';
import { Peer, type PeerLimits, type ProducerAppData } from './Peer.js';

export type RoomObserverEvents = {
  newpeer: [peer: Peer];
  peerclosed: [peer: Peer];
  newproducer: [peer: Peer, producer: Producer<ProducerAppData>];
  close: [];
};

export interface RoomNetworkOptions {
  /** Address WebRTC transports listen on. */
  listenIp: string;
  /** Address announced in ICE candidates when it differs from listenIp. */
  announcedAddress?: string | undefined;
  /** Also offer ICE-TCP candidates (UDP preferred); default true. */
  enableTcp?: boolean | undefined;
}

export interface RoomLimits {
  peers: number;
  perPeer: PeerLimits;
}

export interface RoomOptions {
  id: string;
  router: Router;
  /** The ports of the router's worker; every transport of this room (taps included) listens inside it. */
  portRange: TransportPortRange;
  network: RoomNetworkOptions;
  limits: RoomLimits;
  logger: Logger;
}

export class Room {
  readonly id: string;
  readonly router: Router;
  readonly portRange: TransportPortRange;
  readonly observer = new EnhancedEventEmitter<RoomObserverEvents>();
  readonly createdAt = Date.now();
  readonly #transportOptions: Omit<WebRtcTransportOptions, 'appData'>;
  readonly #limits: RoomLimits;
  readonly #log: Logger;
  readonly #peers = new Map<string, Peer>();
  #closed = false;

  constructor(options: RoomOptions) {
    this.id = options.id;
    this.router = options.router;
    this.portRange = options.portRange;
    this.#limits = options.limits;
    this.#log = options.logger.child({ roomId: options.id });
    this.observer.onListenerError = (event, error) => this.#log.error({ err: error, event }, 'room observer listener failed');
    this.#transportOptions = webRtcTransportOptions(options.network, options.portRange);
    this.router.observer.once('close', () => {
      if (!this.#closed) this.#log.warn('router closed under the room (worker died?): closing the room');
      this.close();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get peers(): ReadonlyMap<string, Peer> {
    return this.#peers;
  }

  createPeer(options: { displayName: string }): Peer {
    if (this.#closed) throw new AffectcastError('ROOM_CLOSED');
    if (this.#peers.size >= this.#limits.peers) {
      throw new AffectcastError('LIMIT_REACHED', `this room holds at most ${this.#limits.peers} participants`);
    }
    const peer = new Peer({
      displayName: options.displayName,
      limits: this.#limits.perPeer,
      router: this.router,
      transportOptions: this.#transportOptions,
      logger: this.#log,
    });
    this.#peers.set(peer.id, peer);
    peer.observer.on('newproducer', (producer) => this.observer.safeEmit('newproducer', peer, producer));
    peer.observer.once('close', () => this.#onPeerClosed(peer));
    this.#log.info({ peerId: peer.id, displayName: peer.displayName }, 'peer joined');
    this.observer.safeEmit('newpeer', peer);
    return peer;
  }

  /** The producer with this id and the peer that owns it, if it is in this room. */
  findProducer(producerId: string): { peer: Peer; producer: Producer<ProducerAppData> } | undefined {
    for (const peer of this.#peers.values()) {
      const producer = peer.producers.get(producerId);
      if (producer) return { peer, producer };
    }
    return undefined;
  }

  /** Every peer but `exceptPeerId`, with its producers. */
  peerInfos(exceptPeerId?: string): PeerInfo[] {
    return [...this.#peers.values()].filter((p) => p.id !== exceptPeerId).map((p) => p.info());
  }

  /** Idempotent: closes every peer, then the router (which closes any remaining transport, taps included). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of [...this.#peers.values()]) peer.close();
    this.#peers.clear();
    if (!this.router.closed) this.router.close();
    this.#log.info('room closed');
    this.observer.safeEmit('close');
  }

  #onPeerClosed(peer: Peer): void {
    // Also reached from close(), which clears the map only after closing every peer.
    if (!this.#peers.delete(peer.id)) return;
    this.#log.info({ peerId: peer.id }, 'peer left');
    this.observer.safeEmit('peerclosed', peer);
    if (this.#peers.size === 0 && !this.#closed) this.close();
  }
}

function webRtcTransportOptions(network: RoomNetworkOptions, portRange: TransportPortRange): Omit<WebRtcTransportOptions, 'appData'> {
  const base = { ip: network.listenIp, portRange, ...(network.announcedAddress ? { announcedAddress: network.announcedAddress } : {}) };
  const listenInfos: TransportListenInfo[] = [{ protocol: 'udp', ...base }];
  if (network.enableTcp ?? true) listenInfos.push({ protocol: 'tcp', ...base });
  return {
    listenInfos,
    preferUdp: true,
    initialAvailableOutgoingBitrate: 1_000_000,
  };
}
