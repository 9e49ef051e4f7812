// One /sfu socket: validates each request with its zod schema, runs it against the socket's Peer and answers
// with exactly one Ack. A request that fails (malformed, out of order, refused by mediasoup) gets an error ack
// with a catalogue code and leaves the session as it was, so the client can go on. A request without an ack
// callback cannot be answered: it is ignored (and logged once per socket).
import type { Socket } from 'socket.io';
import type { DtlsParameters, RtpCapabilities, RtpParameters } from 'mediasoup/types';
import type { Ack } from '../../contracts/ack.js';
import type { ConsentInfo, ConsentState } from '../../contracts/consent.js';
import { AffectcastError, type ErrorPayload } from '../../contracts/errors.js';
import {
  SfuRequestSchemas,
  type SfuClientToServerEvents,
  type SfuParsedRequest,
  type SfuRequestName,
  type SfuResponses,
  type SfuServerToClientEvents,
} from '../../contracts/sfu.js';
import type { Logger } from '../../log/logger.js';
import { closeWithNotice, type AuthedSocketData } from '../../auth/socketAuth.js';
import type { Peer } from '../Peer.js';
import type { Room } from '../Room.js';
import type { RoomRegistry } from '../RoomRegistry.js';
import type { SignallingObserver } from './SignallingObserver.js';

export type SfuSocket = Socket<SfuClientToServerEvents, SfuServerToClientEvents, Record<string, never>, AuthedSocketData>;

/** Consent to analysis (ConsentRegistry); without one, consent requests are refused and nothing is forked. */
export interface ConsentGate {
  info(roomId: string): ConsentInfo;
  answer(roomId: string, peer: { id: string; displayName: string }, granted: boolean): ConsentState;
  forget(peerId: string): void;
}

export interface SfuSessionContext {
  rooms: RoomRegistry;
  consent?: ConsentGate | undefined;
  /** Told of every request answered with an error (for monitoring). */
  observer?: SignallingObserver | undefined;
  logger: Logger;
  /** Broadcast to every socket of a room but one (the namespace's `to(channel).except(id)`). */
  broadcast: <E extends keyof SfuServerToClientEvents>(
    roomId: string,
    exceptSocketId: string,
    event: E,
    ...args: Parameters<SfuServerToClientEvents[E]>
  ) => void;
}

/** socket.io room that a joined socket is in. */
export const roomChannel = (roomId: string): string => `sfu:${roomId}`;
/** socket.io room of one peer's socket, so that other parts can notify that peer without knowing its socket. */
export const peerChannel = (peerId: string): string => `peer:${peerId}`;

function assertUnreachable(value: never): never {
  throw new AffectcastError('INTERNAL', `unhandled request ${String(value)}`);
}

const randomGuestName = (): string => `guest-${Math.random().toString(16).slice(2, 6)}`;

export class SfuSession {
  readonly #socket: SfuSocket;
  readonly #ctx: SfuSessionContext;
  readonly #log: Logger;
  readonly #roomId: string;
  #room: Room | undefined;
  #peer: Peer | undefined;
  #joining = false;
  #closed = false;
  #warnedNoAck = false;
  /** Client mistakes are logged at warn once per socket, then at debug: a garbage stream cannot flood the log. */
  #warnedClientError = false;
  /** True while this session itself closes its peer (leave request, disconnect). */
  #leaving = false;
  /** The participant's consent answer (given before or after join). */
  #consent: ConsentState | undefined;

  constructor(socket: SfuSocket, ctx: SfuSessionContext) {
    this.#socket = socket;
    this.#ctx = ctx;
    this.#roomId = socket.data.claims.room;
    this.#log = ctx.logger.child({ socketId: socket.id, roomId: this.#roomId });
    // socket.io lets a client name an event with a number (or anything its parser accepts): the name is as
    // untrusted as the arguments, so it is typed unknown here.
    socket.onAny((event: unknown, ...args: unknown[]) => this.#onMessage(event, args));
    socket.once('disconnect', (reason) => this.close(reason));
  }

  get peer(): Peer | undefined {
    return this.#peer;
  }

  /** The socket went away: close its peer (→ transports → producers, consumers, taps). */
  close(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#log.debug({ reason }, 'sfu socket closed');
    this.#leave();
  }

  #onMessage(rawEvent: unknown, args: unknown[]): void {
    const event = typeof rawEvent === 'string' ? rawEvent : String(rawEvent);
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as (ack: Ack<unknown>) => void) : undefined;
    if (!ack) {
      if (!this.#warnedNoAck) {
        this.#warnedNoAck = true;
        this.#log.warn({ event }, 'request without an ack callback ignored (further ones are not logged)');
      }
      return;
    }
    const data = args.length >= 2 ? args[0] : undefined;
    if (typeof rawEvent !== 'string' || !Object.hasOwn(SfuRequestSchemas, event)) {
      this.#fail(ack, event, new AffectcastError('UNKNOWN_REQUEST', `no such request: ${event.slice(0, 64)}`));
      return;
    }
    const name = event as SfuRequestName;
    this.#handle(name, data)
      .then(
        (result) => ack({ ok: true, data: result }),
        (error: unknown) => this.#fail(ack, name, error),
      )
      .catch((error: unknown) => this.#log.error({ err: error, request: name }, 'could not answer a request'));
  }

  async #handle(name: SfuRequestName, raw: unknown): Promise<unknown> {
    const parsed = SfuRequestSchemas[name].safeParse(raw ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      throw new AffectcastError('BAD_REQUEST', `${name}: ${where}${issue?.message ?? 'invalid'}`);
    }
    switch (name) {
      case 'join':
        return this.#join(parsed.data as SfuParsedRequest<'join'>);
      case 'createTransport':
        return this.#createTransport(parsed.data as SfuParsedRequest<'createTransport'>);
      case 'connectTransport':
        return this.#connectTransport(parsed.data as SfuParsedRequest<'connectTransport'>);
      case 'produce':
        return this.#produce(parsed.data as SfuParsedRequest<'produce'>);
      case 'consume':
        return this.#consume(parsed.data as SfuParsedRequest<'consume'>);
      case 'resume':
        return this.#resume(parsed.data as SfuParsedRequest<'resume'>);
      case 'leave':
        return this.#leaveRequest();
      case 'consentInfo':
        return this.#consentInfo();
      case 'consent':
        return this.#answerConsent(parsed.data as SfuParsedRequest<'consent'>);
      default:
        return assertUnreachable(name);
    }
  }

  async #join(request: SfuParsedRequest<'join'>): Promise<SfuResponses['join']> {
    if (this.#peer || this.#joining) throw new AffectcastError('ALREADY_JOINED');
    this.#joining = true;
    try {
      let room = await this.#ctx.rooms.getOrCreate(this.#roomId);
      // The room may have closed between its creation and now (its last peer left): take the new one.
      if (room.closed) room = await this.#ctx.rooms.getOrCreate(this.#roomId);
      // Always create the peer, even for a socket that went away meanwhile: closing it then closes a room
      // that this join created and nobody else joined.
      const peer = room.createPeer({ displayName: request.displayName ?? randomGuestName() });
      if (this.#closed) {
        peer.close();
        throw new AffectcastError('NOT_JOINED', 'disconnected while joining');
      }
      this.#room = room;
      this.#peer = peer;
      this.#wirePeer(room, peer);
      if (this.#consent) this.#consent = this.#gate().answer(room.id, peer, this.#consent.granted);
      // Join the channel and list the others in one go: every producer created from now on is announced.
      void this.#socket.join([roomChannel(room.id), peerChannel(peer.id)]);
      this.#ctx.broadcast(room.id, this.#socket.id, 'peerJoined', peer.info());
      return {
        roomId: room.id,
        peerId: peer.id,
        // mediasoup and mediasoup-client describe the same JSON with slightly different unions.
        routerRtpCapabilities: room.router.rtpCapabilities as unknown as SfuResponses['join']['routerRtpCapabilities'],
        peers: room.peerInfos(peer.id),
      };
    } finally {
      this.#joining = false;
    }
  }

  async #createTransport(request: SfuParsedRequest<'createTransport'>): Promise<SfuResponses['createTransport']> {
    const transport = await this.#joined().createWebRtcTransport(request.direction);
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    } as SfuResponses['createTransport'];
  }

  async #connectTransport(request: SfuParsedRequest<'connectTransport'>): Promise<SfuResponses['connectTransport']> {
    await this.#joined().connectTransport(request.transportId, request.dtlsParameters as unknown as DtlsParameters);
    return {};
  }

  async #produce(request: SfuParsedRequest<'produce'>): Promise<SfuResponses['produce']> {
    const peer = this.#joined();
    const producer = await peer.produce({
      transportId: request.transportId,
      kind: request.kind,
      rtpParameters: request.rtpParameters as unknown as RtpParameters,
      source: request.appData?.source,
    });
    if (this.#room) this.#ctx.broadcast(this.#room.id, this.#socket.id, 'newProducer', { producerId: producer.id, kind: producer.kind, peerId: peer.id });
    return { producerId: producer.id };
  }

  async #consume(request: SfuParsedRequest<'consume'>): Promise<SfuResponses['consume']> {
    const peer = this.#joined();
    const found = this.#room?.findProducer(request.producerId);
    if (!found) throw new AffectcastError('PRODUCER_NOT_FOUND');
    const consumer = await peer.consume({
      transportId: request.transportId,
      producer: found.producer,
      producerPeerId: found.peer.id,
      rtpCapabilities: request.rtpCapabilities as unknown as RtpCapabilities,
    });
    return {
      id: consumer.id,
      producerId: consumer.producerId,
      peerId: found.peer.id,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
    } as SfuResponses['consume'];
  }

  async #resume(request: SfuParsedRequest<'resume'>): Promise<SfuResponses['resume']> {
    await this.#joined().resumeConsumer(request.consumerId);
    return {};
  }

  async #leaveRequest(): Promise<SfuResponses['leave']> {
    this.#joined();
    this.#leave();
    return {};
  }

  #consentInfo(): SfuResponses['consentInfo'] {
    const info = this.#gate().info(this.#roomId);
    return this.#consent ? { ...info, granted: this.#consent.granted } : info;
  }

  #answerConsent(request: SfuParsedRequest<'consent'>): SfuResponses['consent'] {
    const gate = this.#gate();
    const peer = this.#peer;
    // Before join, the answer is kept and recorded at join (when the participant has an id).
    if (!peer) {
      if (request.granted && !gate.info(this.#roomId).analysisAllowed) throw new AffectcastError('PURPOSE_REFUSED');
      this.#consent = { granted: request.granted, at: new Date().toISOString() };
      return this.#consent;
    }
    this.#consent = gate.answer(this.#roomId, peer, request.granted);
    return this.#consent;
  }

  #gate(): ConsentGate {
    if (!this.#ctx.consent) throw new AffectcastError('UNKNOWN_REQUEST', 'this server does not analyse media');
    return this.#ctx.consent;
  }

  #joined(): Peer {
    if (!this.#peer || this.#peer.closed) throw new AffectcastError('NOT_JOINED');
    return this.#peer;
  }

  #wirePeer(room: Room, peer: Peer): void {
    peer.on('consumerclosed', (consumer) => {
      this.#socket.emit('consumerClosed', { consumerId: consumer.id, producerId: consumer.producerId });
    });
    peer.observer.once('close', () => {
      this.#ctx.consent?.forget(peer.id);
      void this.#socket.leave(roomChannel(room.id));
      void this.#socket.leave(peerChannel(peer.id));
      this.#ctx.broadcast(room.id, this.#socket.id, 'peerLeft', { peerId: peer.id });
      if (this.#peer === peer) {
        this.#peer = undefined;
        this.#room = undefined;
      }
      // Closed from the server side (the room closed: worker death, shutdown): tell the client by
      // disconnecting it, so that it reconnects and joins a fresh room.
      if (!this.#closed && !this.#leaving) {
        this.#log.warn({ peerId: peer.id }, 'peer closed by the server: disconnecting its socket');
        closeWithNotice(this.#socket, { code: 'ROOM_CLOSED', message: 'the room was closed by the server: join again' });
      }
    });
  }

  #leave(): void {
    const peer = this.#peer;
    if (!peer) return;
    this.#leaving = true;
    try {
      peer.close();
    } finally {
      this.#leaving = false;
    }
  }

  #fail(ack: (ack: Ack<unknown>) => void, name: string, error: unknown): void {
    const payload: ErrorPayload =
      error instanceof AffectcastError ? error.toPayload() : { code: 'INTERNAL', message: 'internal error' };
    this.#ctx.observer?.safeEmit('requestfailed', payload.code);
    let level: 'error' | 'warn' | 'debug' = 'debug';
    if (payload.code === 'INTERNAL') level = 'error';
    else if (!this.#warnedClientError) {
      this.#warnedClientError = true;
      level = 'warn';
    }
    this.#log[level](
      { request: name.slice(0, 64), code: payload.code, ...(level === 'error' ? { err: error } : { reason: payload.message }) },
      level === 'warn' ? 'sfu request failed (further failures of this socket are logged at debug)' : 'sfu request failed',
    );
    ack({ ok: false, error: payload });
  }
}
