// The seam between the SFU and the analyzer. The SFU offers every live producer as a TapOffer; the analyzer
// decides which to decode and when (consent, media flowing, a free decoder), opens a Tap that sends the
// producer's RTP to its decoder's port pair, and reads it. Neither side sees the other's classes: the SFU
// implements these interfaces over mediasoup, the analyzer consumes them, the composition root connects them.

export type TapKind = 'audio' | 'video';

/** The tap encrypts with SRTP so that only its own packets authenticate at the decoder. */
export const TAP_SRTP_SUITE = 'AES_CM_128_HMAC_SHA1_80' as const;

/** What a decoder needs to receive a tap: where to bind, and the SRTP key the tap encrypts with. */
export interface TapReceiveParameters {
  ip: string;
  rtpPort: number;
  srtp: { cryptoSuite: typeof TAP_SRTP_SUITE; keyBase64: string };
}

/** The media codec the decoder receives (what its SDP names: payload type, MIME type, clock rate, fmtp). */
export interface TapCodec {
  mimeType: string;
  payloadType: number;
  clockRate: number;
  channels?: number | undefined;
  // RTP's fmtp parameters are free-form per codec (numbers or strings).
  parameters?: Record<string, unknown> | undefined;
}

/**
 * One producer's RTP, copied to a local decoder. It starts paused: the owner resumes it once the decoder
 * listens (a key frame sent earlier would be lost) and asks for key frames itself. Closes by itself when
 * the producer or its room closes; close() is idempotent.
 */
export interface Tap {
  readonly producerId: string;
  readonly kind: TapKind;
  readonly closed: boolean;
  readonly receive: TapReceiveParameters;
  readonly codec: TapCodec;
  resume(): Promise<void>;
  /** Video only; a no-op on audio or a closed tap. */
  requestKeyFrame(): Promise<void>;
  close(): void;
  /** Calls `listener` once when the tap closes, whatever the cause; returns a function that removes it. */
  onClose(listener: () => void): () => void;
}

/** A live producer that may be tapped, with whom it belongs to. */
export interface TapOffer {
  readonly roomId: string;
  readonly peerId: string;
  readonly displayName: string;
  readonly producerId: string;
  readonly kind: TapKind;
  /** True once the producer closed (its peer left, its room closed). */
  readonly closed: boolean;
  /** Calls `listener` once when the producer closes; returns a function that removes it. */
  onClose(listener: () => void): () => void;
  /** Bytes the producer has received so far (has media arrived?); undefined once it is gone. */
  receivedBytes(): Promise<number | undefined>;
  /**
   * Opens a tap sending RTP to 127.0.0.1:rtpPort (even) and RTCP to rtpPort + 1. Rejects with
   * PRODUCER_NOT_FOUND when the producer closed meanwhile.
   */
  openTap(rtpPort: number): Promise<Tap>;
}

/** Every live producer of every room, now and as they come. */
export interface TapSource {
  /** The producers live now. */
  offers(): TapOffer[];
  /** The live producers of one participant (e.g. to decode them again once consent is granted). */
  offersOf(roomId: string, peerId: string): TapOffer[];
  /** Calls `listener` for every producer published from now on; returns a function that stops it. */
  onOffer(listener: (offer: TapOffer) => void): () => void;
}
