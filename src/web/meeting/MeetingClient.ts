// The meeting's media and signalling, without DOM: socket.io /sfu + mediasoup-client. Publishes the camera and
// microphone, consumes every other participant's producers, and reports what happens as events for the UI.
//
// Every (re)connection of the socket starts a fresh session (join → device → transports → consume → publish);
// work still running for an older session is dropped when it resumes. A refused token is final (socket.io
// does not retry a namespace middleware refusal); any other disconnection is retried.
import { Device } from 'mediasoup-client';
import type { Consumer, Producer, Transport } from 'mediasoup-client/types';
import { io, type Socket } from 'socket.io-client';
import type { ConsentInfo, ConsentState } from '../../contracts/consent.js';
import type { PeerInfo, ProducerInfo, SfuClientToServerEvents, SfuResponses, SfuServerToClientEvents } from '../../contracts/sfu.js';
import { AckError, ackRequest } from '../shared/ackRequest.js';
import { Emitter } from '../shared/Emitter.js';
import type { CameraConstraints, MeetingError, MeetingStatus } from './pageState.js';

export type { MeetingError, MeetingStatus } from './pageState.js';

export interface RemoteTrack {
  peerId: string;
  consumerId: string;
  producerId: string;
  kind: 'audio' | 'video';
  track: MediaStreamTrack;
}

export type MeetingEvents = {
  status: [status: MeetingStatus];
  /** The signalling socket is (re)connected: consent can be asked and answered now. */
  connected: [];
  joined: [info: { roomId: string; peerId: string; displayName: string }];
  localstream: [stream: MediaStream];
  published: [producers: { video: string | null; audio: string | null }];
  peerjoined: [peer: PeerInfo];
  peerleft: [peerId: string];
  track: [track: RemoteTrack];
  trackended: [event: { peerId: string; consumerId: string; producerId: string; kind: 'audio' | 'video' }];
  error: [error: MeetingError];
  /** What the server says before it disconnects us, or when one of our streams is no longer analysed. */
  notice: [notice: { code: string; message: string }];
};

export interface MeetingOptions {
  token: string;
  room: string;
  displayName: string;
  /** Audio processing (echo cancellation, noise suppression, auto gain) rewrites what the analyzer hears. */
  audioProcessing?: boolean;
  /** Publish the camera with this codec instead of the router's first choice (VP8), e.g. 'video/H264'. */
  videoCodec?: string | undefined;
}

interface Session {
  readonly generation: number;
  device: Device;
  recv: Transport;
  send: Transport | undefined;
  readonly consumers: Map<string, { consumer: Consumer; peerId: string }>;
  readonly producers: Producer[];
}

const SFU_NAMESPACE = '/sfu';
const CAMERA: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 15, max: 30 } };

export class MeetingClient extends Emitter<MeetingEvents> {
  readonly #options: MeetingOptions;
  readonly #socket: Socket<SfuServerToClientEvents, SfuClientToServerEvents>;
  #displayName: string;
  #status: MeetingStatus = 'connecting';
  #generation = 0;
  #session: Session | undefined;
  #local: Promise<MediaStream | null> | undefined;
  #peerId: string | null = null;
  #wantJoined = true;
  /** The participant's last consent answer, re-sent on every reconnection (a new connection starts unanswered). */
  #consent: boolean | undefined;
  /** newProducer notifications that arrived before the session was ready. */
  #early: Array<ProducerInfo & { peerId: string }> = [];

  constructor(options: MeetingOptions) {
    super();
    this.#options = options;
    this.#displayName = options.displayName;
    this.#socket = io(SFU_NAMESPACE, {
      transports: ['websocket'],
      auth: { token: options.token, room: options.room },
      autoConnect: false,
      reconnectionDelayMax: 5_000,
    });
    this.#socket.on('connect', () => {
      this.emit('connected');
      // The answer goes first, so a participant who accepted is analysed from their first frame again.
      const answered = this.#consent === undefined ? Promise.resolve() : this.#request('consent', { granted: this.#consent }).then(() => undefined, (error: unknown) => this.#reportError(error));
      void answered.then(() => {
        if (this.#wantJoined && this.#socket.connected) void this.#startSession();
      });
    });
    this.#socket.on('connect_error', (error: Error & { data?: MeetingError }) => {
      if (error.data?.code) {
        this.#setStatus('refused');
        this.emit('error', { code: error.data.code, message: error.data.message });
      } else {
        this.#setStatus('disconnected');
      }
    });
    this.#socket.on('disconnect', (reason) => {
      this.#endSession();
      this.#setStatus('disconnected');
      // The server closed us on purpose (e.g. our room closed after a media worker restart): come back.
      if (reason === 'io server disconnect') setTimeout(() => this.#socket.connect(), 1_000);
    });
    this.#socket.on('closing', (notice) => this.emit('notice', notice));
    this.#socket.on('analysisStopped', ({ reason }) => this.emit('notice', { code: 'ANALYSIS_STOPPED', message: `Your video is no longer analysed: ${reason}. The call goes on.` }));
    this.#socket.on('peerJoined', (peer) => this.emit('peerjoined', peer));
    this.#socket.on('peerLeft', ({ peerId }) => this.emit('peerleft', peerId));
    this.#socket.on('newProducer', (producer) => {
      const session = this.#session;
      if (session) void this.#consume(session, producer);
      // Announced while our join was under way (after the server listed the room for us): consume it once
      // the session exists.
      else this.#early.push(producer);
    });
    this.#socket.on('consumerClosed', ({ consumerId }) => {
      const session = this.#session;
      const entry = session?.consumers.get(consumerId);
      if (!session || !entry) return;
      session.consumers.delete(consumerId);
      entry.consumer.close();
      this.emit('trackended', { peerId: entry.peerId, consumerId, producerId: entry.consumer.producerId, kind: entry.consumer.kind });
    });
  }

  get status(): MeetingStatus {
    return this.#status;
  }

  get peerId(): string | null {
    return this.#peerId;
  }

  get displayName(): string {
    return this.#displayName;
  }

  /** The camera/microphone stream once published (null if the devices were refused). */
  localStream(): Promise<MediaStream | null> {
    return this.#local ?? Promise.resolve(null);
  }

  /** What the server says is analysed, stored, for how long and for whom, and this participant's answer. */
  consentInfo(): Promise<ConsentInfo> {
    return this.#request('consentInfo', {});
  }

  /** Grants or withdraws consent to analysis; the server stops a withdrawn participant's analysis at once. */
  async setConsent(granted: boolean): Promise<ConsentState> {
    this.#consent = granted;
    return this.#request('consent', { granted });
  }

  start(): void {
    this.#setStatus('connecting');
    this.#socket.connect();
  }

  /** Leaves the room (the socket stays connected); join() comes back. */
  async leave(): Promise<void> {
    this.#wantJoined = false;
    const joined = this.#session !== undefined;
    this.#endSession();
    if (joined && this.#socket.connected) await ackRequest(this.#socket, 'leave', {}).catch(() => undefined);
    this.#setStatus('left');
  }

  async join(): Promise<void> {
    this.#wantJoined = true;
    if (this.#socket.connected && !this.#session) await this.#startSession();
  }

  /** Joins again under another name (there is no rename request: peers see a leave and a join). */
  async rename(displayName: string): Promise<void> {
    this.#displayName = displayName;
    if (this.#session) {
      await this.leave();
      await this.join();
    }
  }

  /**
   * Changes the published camera track (size, frame rate) without republishing; the encoder follows with a
   * key frame at the new size. Resolves false when no camera is published.
   */
  async setCameraConstraints(constraints: CameraConstraints): Promise<boolean> {
    const track = this.#session?.producers.find((p) => p.kind === 'video')?.track;
    if (!track) return false;
    await track.applyConstraints(constraints);
    return true;
  }

  async #startSession(): Promise<void> {
    this.#endSession();
    const generation = ++this.#generation;
    const current = () => this.#generation === generation && this.#socket.connected;
    this.#early = [];
    this.#setStatus('joining');
    try {
      const joined = await this.#request('join', { displayName: this.#displayName });
      if (!current()) return;
      const device = await Device.factory();
      await device.load({ routerRtpCapabilities: joined.routerRtpCapabilities });
      const recv = device.createRecvTransport(await this.#request('createTransport', { direction: 'recv' }));
      this.#wireTransport(recv);
      if (!current()) {
        recv.close();
        return;
      }
      const session: Session = { generation, device, recv, send: undefined, consumers: new Map(), producers: [] };
      this.#session = session;
      this.#peerId = joined.peerId;
      this.#setStatus('joined');
      this.emit('joined', { roomId: joined.roomId, peerId: joined.peerId, displayName: this.#displayName });
      for (const peer of joined.peers) this.emit('peerjoined', peer);
      const listed = joined.peers.flatMap((peer) => peer.producers.map((p) => ({ ...p, peerId: peer.peerId })));
      const early = this.#early.filter((p) => !listed.some((l) => l.producerId === p.producerId));
      this.#early = [];
      const consuming = [...listed, ...early].map((p) => this.#consume(session, p));
      await Promise.all([this.#publish(session), ...consuming]);
    } catch (error) {
      if (current()) this.#reportError(error);
    }
  }

  #endSession(): void {
    const session = this.#session;
    this.#session = undefined;
    this.#generation++;
    this.#peerId = null;
    if (!session) return;
    for (const { consumer, peerId } of session.consumers.values()) {
      consumer.close();
      this.emit('trackended', { peerId, consumerId: consumer.id, producerId: consumer.producerId, kind: consumer.kind });
    }
    session.consumers.clear();
    for (const producer of session.producers) producer.close();
    session.send?.close();
    session.recv.close();
  }

  async #publish(session: Session): Promise<void> {
    this.#local ??= this.#getUserMedia();
    const stream = await this.#local;
    if (!stream || this.#session !== session) return;
    const send = session.device.createSendTransport(await this.#request('createTransport', { direction: 'send' }));
    if (this.#session !== session) {
      send.close();
      return;
    }
    session.send = send;
    this.#wireTransport(send);
    send.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      const source = appData.source === 'camera' || appData.source === 'microphone' ? appData.source : undefined;
      this.#request('produce', { transportId: send.id, kind, rtpParameters: rtpParameters as unknown as Record<string, unknown>, ...(source ? { appData: { source } } : {}) })
        .then(({ producerId }) => callback({ id: producerId }), errback);
    });
    const published: { video: string | null; audio: string | null } = { video: null, audio: null };
    for (const track of stream.getTracks()) {
      if (this.#session !== session) return;
      // A clone per session: closing a producer stops its track, and the stream is kept across sessions.
      const wanted = track.kind === 'video' ? this.#options.videoCodec?.toLowerCase() : undefined;
      const codec = wanted ? session.device.rtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === wanted) : undefined;
      if (wanted && !codec) this.emit('error', { code: 'CANNOT_PRODUCE', message: `${wanted} is not available; using the default codec.` });
      const producer = await send.produce({
        track: track.clone(),
        stopTracks: true,
        ...(codec ? { codec } : {}),
        appData: { source: track.kind === 'video' ? 'camera' : 'microphone' },
      });
      session.producers.push(producer);
      published[track.kind === 'video' ? 'video' : 'audio'] = producer.id;
    }
    this.emit('published', published);
  }

  async #getUserMedia(): Promise<MediaStream | null> {
    const processing = this.#options.audioProcessing ?? false;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        video: CAMERA,
        audio: { echoCancellation: processing, noiseSuppression: processing, autoGainControl: processing },
      });
      this.emit('localstream', stream);
      return stream;
    } catch (error) {
      this.emit('error', {
        code: 'DEVICES_UNAVAILABLE',
        message: `Camera and microphone are unavailable (${error instanceof Error ? error.message : String(error)}). You can still watch.`,
      });
      return null;
    }
  }

  async #consume(session: Session, producer: ProducerInfo & { peerId: string }): Promise<void> {
    try {
      const info = await this.#request('consume', {
        transportId: session.recv.id,
        producerId: producer.producerId,
        rtpCapabilities: session.device.rtpCapabilities as unknown as Record<string, unknown>,
      });
      if (this.#session !== session) return;
      const consumer = await session.recv.consume({ id: info.id, producerId: info.producerId, kind: info.kind, rtpParameters: info.rtpParameters });
      if (this.#session !== session) {
        consumer.close();
        return;
      }
      session.consumers.set(consumer.id, { consumer, peerId: info.peerId });
      this.emit('track', { peerId: info.peerId, consumerId: consumer.id, producerId: info.producerId, kind: info.kind, track: consumer.track });
      await this.#request('resume', { consumerId: consumer.id });
    } catch (error) {
      // A producer that closed meanwhile is not worth an error message.
      if (error instanceof AckError && error.code === 'PRODUCER_NOT_FOUND') return;
      if (this.#session === session) this.#reportError(error);
    }
  }

  #wireTransport(transport: Transport): void {
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.#request('connectTransport', { transportId: transport.id, dtlsParameters: dtlsParameters as unknown as Record<string, unknown> })
        .then(() => callback(), errback);
    });
    transport.on('connectionstatechange', (state) => {
      if (state === 'failed') this.emit('error', { code: 'MEDIA_ERROR', message: `The ${transport.direction} media connection failed.` });
    });
  }

  #request<N extends keyof SfuResponses>(name: N, data: Parameters<SfuClientToServerEvents[N]>[0]): Promise<SfuResponses[N]> {
    return ackRequest<SfuResponses[N]>(this.#socket as unknown as Parameters<typeof ackRequest>[0], name, data);
  }

  #reportError(error: unknown): void {
    const code = error instanceof AckError ? error.code : 'INTERNAL';
    const message = error instanceof Error ? error.message : String(error);
    console.error('meeting:', code, message);
    this.emit('error', { code, message });
  }

  #setStatus(status: MeetingStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.emit('status', status);
  }
}
