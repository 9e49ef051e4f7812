// The /sfu signalling protocol: every client request is validated with its schema and answered by one Ack.
// Server and browser code both type their socket.io endpoints from this file (the browser imports types only).
import { z } from 'zod';
import type { DtlsParameters, IceCandidate, IceParameters, MediaKind, RtpCapabilities, RtpParameters } from 'mediasoup-client/types';
import type { AckCallback } from './ack.js';
import type { ErrorPayload } from './errors.js';
import { ConsentRequestSchema, type ConsentInfo, type ConsentState } from './consent.js';

export const SFU_NAMESPACE = '/sfu';

const id = z.string().min(1).max(128);
/** mediasoup validates these deeply itself; at the boundary we only insist on a plain object. */
const mediaObject = z.record(z.string(), z.unknown());

export const SfuRequestSchemas = {
  join: z.object({ displayName: z.string().trim().min(1).max(64).optional() }).strict(),
  createTransport: z.object({ direction: z.enum(['send', 'recv']) }).strict(),
  connectTransport: z.object({ transportId: id, dtlsParameters: mediaObject }).strict(),
  produce: z
    .object({
      transportId: id,
      kind: z.enum(['audio', 'video']),
      rtpParameters: mediaObject,
      appData: z.object({ source: z.enum(['camera', 'microphone', 'screen']) }).partial().strict().optional(),
    })
    .strict(),
  consume: z.object({ transportId: id, producerId: id, rtpCapabilities: mediaObject }).strict(),
  resume: z.object({ consumerId: id }).strict(),
  leave: z.object({}).strict(),
  /** The consent text and this participant's answer so far (before or after join). */
  consentInfo: z.object({}).strict(),
  /** Grant or withdraw consent to analysis; nothing of this participant is forked before a grant. */
  consent: ConsentRequestSchema,
} as const;

export type SfuRequestName = keyof typeof SfuRequestSchemas;
export type SfuRequest<N extends SfuRequestName> = z.input<(typeof SfuRequestSchemas)[N]>;
export type SfuParsedRequest<N extends SfuRequestName> = z.output<(typeof SfuRequestSchemas)[N]>;

export interface ProducerInfo {
  producerId: string;
  kind: MediaKind;
}

export interface PeerInfo {
  peerId: string;
  displayName: string;
  producers: ProducerInfo[];
}

export interface TransportInfo {
  id: string;
  iceParameters: IceParameters;
  iceCandidates: IceCandidate[];
  dtlsParameters: DtlsParameters;
}

export interface ConsumerInfo {
  id: string;
  producerId: string;
  peerId: string;
  kind: MediaKind;
  rtpParameters: RtpParameters;
}

export interface SfuResponses {
  join: { roomId: string; peerId: string; routerRtpCapabilities: RtpCapabilities; peers: PeerInfo[] };
  createTransport: TransportInfo;
  connectTransport: Record<string, never>;
  produce: { producerId: string };
  consume: ConsumerInfo;
  resume: Record<string, never>;
  leave: Record<string, never>;
  consentInfo: ConsentInfo;
  consent: ConsentState;
}

export type SfuClientToServerEvents = {
  [N in SfuRequestName]: (data: SfuRequest<N>, ack: AckCallback<SfuResponses[N]>) => void;
};

export interface SfuServerToClientEvents {
  peerJoined: (peer: PeerInfo) => void;
  peerLeft: (event: { peerId: string }) => void;
  newProducer: (event: ProducerInfo & { peerId: string }) => void;
  consumerClosed: (event: { consumerId: string; producerId: string }) => void;
  /** The analysis of one of this client's own producers stopped for good (its decoder kept failing). */
  analysisStopped: (event: AnalysisStopped) => void;
  /** Sent just before the server itself disconnects this socket: token expired, server shutting down. */
  closing: (notice: ErrorPayload) => void;
}

export interface AnalysisStopped {
  producerId: string;
  reason: string;
}

/** socket.io handshake auth for /sfu and /affect. */
export interface HandshakeAuth {
  token: string;
  /** /sfu: the room the page was opened for; when given it must be the token's room (else FORBIDDEN). */
  room?: string;
}
