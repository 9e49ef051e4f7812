// One participant of a Room: its WebRTC transports and the producers and consumers on them. Knows nothing of
// socket.io; the signalling session drives it and listens to its events.
//
// Close cascade: peer.close() → transports (mediasoup closes their producers and consumers). Transports are the
// only children a peer closes itself; producers and consumers are dropped from the Maps on their observer's
// close, whatever closed them.
import crypto from 'node:crypto';
import type {
  Consumer,
  DtlsParameters,
  MediaKind,
  Producer,
  Router,
  RtpCapabilities,
  RtpParameters,
  PlainTransport,
  Transport,
  TransportListenInfo,
  WebRtcTransport,
  WebRtcTransportOptions,
} from 'mediasoup/types';
import { AffectcastError } from '../contracts/errors.js';
import type { PeerInfo } from '../contracts/sfu.js';
import { EnhancedEventEmitter } from '../events/EnhancedEventEmitter.js';
import type { Logger } from '../log/logger.js';
import { media } from './mediaErrors.js';

export type TransportDirection = 'send' | 'recv';

export interface TransportAppData extends Record<string, unknown> {
  direction: TransportDirection;
  peerId: string;
}

export interface ProducerAppData extends Record<string, unknown> {
  peerId: string;
  source?: 'camera' | 'microphone' | 'screen';
}

export interface ConsumerAppData extends Record<string, unknown> {
  peerId: string;
  /** The peer whose producer this consumer receives. */
  producerPeerId: string;
}

export type PeerEvents = {
  /** A consumer closed because its producer went away (not because this peer or its transport closed). */
  consumerclosed: [consumer: Consumer<ConsumerAppData>];
};

export type PeerObserverEvents = {
  newtransport: [transport: Transport<TransportAppData>];
  newproducer: [producer: Producer<ProducerAppData>];
  newconsumer: [consumer: Consumer<ConsumerAppData>];
  close: [];
};

/** How many of each a peer may hold at once (config.limits). */
export interface PeerLimits {
  transports: number;
  producers: number;
  consumers: number;
}

export interface PeerOptions {
  displayName: string;
  limits: PeerLimits;
  router: Router;
  /** listenInfos and friends; appData is added per transport. */
  transportOptions: Omit<WebRtcTransportOptions, 'appData'>;
  logger: Logger;
}

export interface ProduceRequest {
  transportId: string;
  kind: MediaKind;
  rtpParameters: RtpParameters;
  source?: ProducerAppData['source'];
}

export class Peer extends EnhancedEventEmitter<PeerEvents> {
  readonly id = crypto.randomUUID();
  readonly displayName: string;
  readonly joinedAt = Date.now();
  readonly observer = new EnhancedEventEmitter<PeerObserverEvents>();
  readonly #router: Router;
  readonly #transportOptions: PeerOptions['transportOptions'];
  readonly #log: Logger;
  readonly #transports = new Map<string, Transport<TransportAppData>>();
  readonly #producers = new Map<string, Producer<ProducerAppData>>();
  readonly #consumers = new Map<string, Consumer<ConsumerAppData>>();
  readonly #limits: PeerLimits;
  /** Creations under way, counted against the limits too: concurrent requests cannot overshoot them. */
  readonly #pending = { transports: 0, producers: 0, consumers: 0 };
  #closed = false;

  constructor(options: PeerOptions) {
    super();
    this.displayName = options.displayName;
    this.#router = options.router;
    this.#transportOptions = options.transportOptions;
    this.#limits = options.limits;
    this.#log = options.logger.child({ peerId: this.id });
    const onListenerError = (event: string, error: unknown) => this.#log.error({ err: error, event }, 'peer listener failed');
    this.onListenerError = onListenerError;
    this.observer.onListenerError = onListenerError;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get transports(): ReadonlyMap<string, Transport<TransportAppData>> {
    return this.#transports;
  }

  get producers(): ReadonlyMap<string, Producer<ProducerAppData>> {
    return this.#producers;
  }

  get consumers(): ReadonlyMap<string, Consumer<ConsumerAppData>> {
    return this.#consumers;
  }

  info(): PeerInfo {
    return {
      peerId: this.id,
      displayName: this.displayName,
      producers: [...this.#producers.values()].map((p) => ({ producerId: p.id, kind: p.kind })),
    };
  }

  async createWebRtcTransport(direction: TransportDirection): Promise<WebRtcTransport<TransportAppData>> {
    this.#assertOpen();
    const transport = await this.#withinLimit('transports', this.#transports.size, () =>
      media(() =>
        this.#router.createWebRtcTransport<TransportAppData>({
          ...this.#transportOptions,
          appData: { direction, peerId: this.id },
        } as WebRtcTransportOptions<TransportAppData>),
      ),
    );
    this.#adopt(transport);
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') this.#log.info({ transportId: transport.id, state }, 'transport DTLS ended');
    });
    return transport;
  }

  /**
   * A plain RTP transport that a server-side sender (ffmpeg, a gateway) sends to: no ICE, no DTLS, the
   * sender's address learnt from its first packet (comedia). RTCP has its own port: senders such as ffmpeg
   * send RTCP from another socket than RTP, and with one port the first (RTCP) packet would fix the tuple and
   * every RTP packet after it would be dropped. For ingest and benchmarks; browsers use createWebRtcTransport.
   */
  async createIngestTransport(): Promise<PlainTransport<TransportAppData>> {
    this.#assertOpen();
    const [listen] = (this.#transportOptions.listenInfos ?? []) as TransportListenInfo[];
    if (!listen) throw new AffectcastError('INTERNAL', 'no listen address for transports');
    const transport = await this.#withinLimit('transports', this.#transports.size, () =>
      media(() =>
        this.#router.createPlainTransport<TransportAppData>({
          listenInfo: { protocol: 'udp', ip: listen.ip, ...(listen.portRange ? { portRange: listen.portRange } : {}) },
          rtcpMux: false,
          comedia: true,
          appData: { direction: 'send', peerId: this.id },
        }),
      ),
    );
    this.#adopt(transport);
    return transport;
  }

  #adopt(transport: Transport<TransportAppData>): void {
    if (this.#closed) {
      // The peer closed while the worker was creating the transport: nobody else will ever close it.
      transport.close();
      this.#assertOpen();
    }
    this.#transports.set(transport.id, transport);
    transport.observer.once('close', () => this.#transports.delete(transport.id));
    this.observer.safeEmit('newtransport', transport);
  }

  async connectTransport(transportId: string, dtlsParameters: DtlsParameters): Promise<void> {
    const transport = this.#transport(transportId);
    if (transport.type !== 'webrtc') throw new AffectcastError('BAD_REQUEST', `transport ${transportId} is not a WebRTC transport`);
    await media(() => (transport as unknown as WebRtcTransport).connect({ dtlsParameters }));
  }

  async produce(request: ProduceRequest): Promise<Producer<ProducerAppData>> {
    const transport = this.#transport(request.transportId, 'send');
    const appData: ProducerAppData = { peerId: this.id, ...(request.source ? { source: request.source } : {}) };
    const producer = await this.#withinLimit('producers', this.#producers.size, () =>
      media(() => transport.produce<ProducerAppData>({ kind: request.kind, rtpParameters: request.rtpParameters, appData })),
    );
    if (producer.closed) throw new AffectcastError('MEDIA_ERROR', 'the transport closed while producing');
    this.#producers.set(producer.id, producer);
    producer.observer.once('close', () => this.#producers.delete(producer.id));
    this.observer.safeEmit('newproducer', producer);
    return producer;
  }

  async consume(request: {
    transportId: string;
    producer: Producer;
    producerPeerId: string;
    rtpCapabilities: RtpCapabilities;
  }): Promise<Consumer<ConsumerAppData>> {
    const transport = this.#transport(request.transportId, 'recv');
    const { producer, rtpCapabilities } = request;
    let canConsume: boolean;
    try {
      canConsume = this.#router.canConsume({ producerId: producer.id, rtpCapabilities });
    } catch (error) {
      throw new AffectcastError('CANNOT_CONSUME', `invalid rtpCapabilities: ${(error as Error).message}`, { cause: error });
    }
    if (!canConsume) throw new AffectcastError('CANNOT_CONSUME');
    const consumer = await this.#withinLimit('consumers', this.#consumers.size, () => media(async () => {
      try {
        return await transport.consume<ConsumerAppData>({
          producerId: producer.id,
          rtpCapabilities,
          // Paused until the client has set up its receiver and asks to resume: no key frame is wasted.
          paused: true,
          appData: { peerId: this.id, producerPeerId: request.producerPeerId },
        });
      } catch (error) {
        if (producer.closed) throw new AffectcastError('PRODUCER_NOT_FOUND', 'the producer closed', { cause: error });
        throw error;
      }
    }));
    if (consumer.closed) throw new AffectcastError('PRODUCER_NOT_FOUND', 'the producer closed');
    this.#consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => this.#consumers.delete(consumer.id));
    consumer.once('producerclose', () => {
      if (!this.#closed) this.safeEmit('consumerclosed', consumer);
    });
    this.observer.safeEmit('newconsumer', consumer);
    return consumer;
  }

  async resumeConsumer(consumerId: string): Promise<void> {
    const consumer = this.#consumers.get(consumerId);
    if (!consumer) throw new AffectcastError('CONSUMER_NOT_FOUND');
    await media(() => consumer.resume());
    // The receiving browser has no picture until the next key frame; don't wait for the sender's interval.
    if (consumer.kind === 'video') await media(() => consumer.requestKeyFrame());
  }

  /** Idempotent. Closes the transports (and with them every producer and consumer), then emits observer close. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const transport of this.#transports.values()) transport.close();
    this.#transports.clear();
    this.#producers.clear();
    this.#consumers.clear();
    this.observer.safeEmit('close');
  }

  /** Runs `create` only while held + pending stays under the limit; refuses with LIMIT_REACHED otherwise. */
  async #withinLimit<T>(what: keyof PeerLimits, held: number, create: () => Promise<T>): Promise<T> {
    if (held + this.#pending[what] >= this.#limits[what]) {
      throw new AffectcastError('LIMIT_REACHED', `a participant may hold at most ${this.#limits[what]} ${what}`);
    }
    this.#pending[what]++;
    try {
      return await create();
    } finally {
      this.#pending[what]--;
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new AffectcastError('NOT_JOINED', 'this peer has left the room');
  }

  #transport(transportId: string, direction?: TransportDirection): Transport<TransportAppData> {
    this.#assertOpen();
    const transport = this.#transports.get(transportId);
    if (!transport) throw new AffectcastError('TRANSPORT_NOT_FOUND');
    if (direction && transport.appData.direction !== direction) {
      throw new AffectcastError('BAD_REQUEST', `transport ${transportId} is a ${transport.appData.direction} transport`);
    }
    return transport;
  }
}
