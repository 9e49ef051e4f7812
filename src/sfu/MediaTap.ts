// A copy of one producer's RTP for a local decoder: a PlainTransport on 127.0.0.1 (no ICE, no DTLS; SRTP, so
// that only packets from this transport authenticate at the decoder, whichever local process sends to its
// port; rtcpMux off because ffmpeg expects RTCP on port + 1; comedia off because ffmpeg never sends first) connected
// to the decoder's port pair, with a consumer that starts paused. The owner resumes it once the decoder
// listens (a key frame sent earlier would be lost) and asks for key frames itself: ffmpeg sends no PLI/FIR.
//
// Closes itself when the producer closes, or when its router closes (room closed); close() is idempotent.
import crypto from 'node:crypto';
import type { Consumer, MediaKind, PlainTransport, Producer, Router, RtpCodecParameters, SrtpParameters, TransportPortRange } from 'mediasoup/types';
import { AffectcastError } from '../contracts/errors.js';
import { TAP_SRTP_SUITE, type Tap, type TapReceiveParameters } from '../contracts/taps.js';
import { EnhancedEventEmitter } from '../events/EnhancedEventEmitter.js';
import { media } from './mediaErrors.js';

export const TAP_IP = '127.0.0.1';

export interface MediaTapOptions {
  router: Router;
  producer: Producer;
  /** Even UDP port the decoder listens on for RTP; RTCP goes to rtpPort + 1. */
  rtpPort: number;
  /** Where the transport's own (sending) ports come from: the room's worker range. */
  portRange?: TransportPortRange | undefined;
}

export type MediaTapObserverEvents = {
  close: [];
};

export interface TapAppData extends Record<string, unknown> {
  tap: true;
  producerId: string;
}

export class MediaTap implements Tap {
  readonly transport: PlainTransport<TapAppData>;
  readonly consumer: Consumer;
  readonly producerId: string;
  readonly kind: MediaKind;
  readonly rtpPort: number;
  readonly rtcpPort: number;
  readonly observer = new EnhancedEventEmitter<MediaTapObserverEvents>();
  #closed = false;

  private constructor(transport: PlainTransport<TapAppData>, consumer: Consumer, rtpPort: number) {
    this.transport = transport;
    this.consumer = consumer;
    this.producerId = consumer.producerId;
    this.kind = consumer.kind;
    this.rtpPort = rtpPort;
    this.rtcpPort = rtpPort + 1;
    consumer.observer.once('close', () => this.close());
    transport.observer.once('close', () => this.close());
  }

  static async open(options: MediaTapOptions): Promise<MediaTap> {
    const { router, producer, rtpPort } = options;
    if (rtpPort % 2 !== 0) throw new AffectcastError('INTERNAL', `the RTP port must be even (got ${rtpPort})`);
    if (producer.closed) throw new AffectcastError('PRODUCER_NOT_FOUND', 'the producer closed');
    const transport = await media(() =>
      router.createPlainTransport<TapAppData>({
        listenInfo: { protocol: 'udp', ip: TAP_IP, ...(options.portRange ? { portRange: options.portRange } : {}) },
        rtcpMux: false,
        comedia: false,
        enableSrtp: true,
        srtpCryptoSuite: TAP_SRTP_SUITE,
        appData: { tap: true, producerId: producer.id },
      }),
    );
    try {
      // The decoder's own RTCP reports are not read (mediasoup cannot decrypt them), so its key is random.
      const remoteSrtp: SrtpParameters = { cryptoSuite: TAP_SRTP_SUITE, keyBase64: crypto.randomBytes(30).toString('base64') };
      await media(() => transport.connect({ ip: TAP_IP, port: rtpPort, rtcpPort: rtpPort + 1, srtpParameters: remoteSrtp }));
      // The router's own capabilities: the consumer gets the producer's codec as codecs[0] (rtx after it).
      const consumer = await media(async () => {
        try {
          return await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities, paused: true });
        } catch (error) {
          if (producer.closed) throw new AffectcastError('PRODUCER_NOT_FOUND', 'the producer closed', { cause: error });
          throw error;
        }
      });
      if (consumer.closed || transport.closed) throw new AffectcastError('PRODUCER_NOT_FOUND', 'the producer closed');
      return new MediaTap(transport, consumer, rtpPort);
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Where the decoder listens and the key that authenticates the tap's packets. */
  get receive(): TapReceiveParameters {
    const srtp = this.transport.srtpParameters;
    if (!srtp || srtp.cryptoSuite !== TAP_SRTP_SUITE) throw new AffectcastError('INTERNAL', 'the tap transport has no SRTP key');
    return { ip: TAP_IP, rtpPort: this.rtpPort, srtp: { cryptoSuite: TAP_SRTP_SUITE, keyBase64: srtp.keyBase64 } };
  }

  /** The media codec (payload type, MIME type, clock rate, channels, fmtp parameters) the decoder receives. */
  get codec(): RtpCodecParameters {
    const codec = this.consumer.rtpParameters.codecs[0];
    if (!codec) throw new AffectcastError('INTERNAL', 'the tap consumer has no codec');
    return codec;
  }

  onClose(listener: () => void): () => void {
    if (this.#closed) {
      listener();
      return () => undefined;
    }
    this.observer.once('close', listener);
    return () => this.observer.off('close', listener);
  }

  async resume(): Promise<void> {
    if (this.#closed) return;
    await media(() => this.consumer.resume());
  }

  /** Asks the producer's sender for a key frame (video only; a no-op on audio or a closed tap). */
  async requestKeyFrame(): Promise<void> {
    if (this.#closed || this.kind !== 'video') return;
    await media(() => this.consumer.requestKeyFrame());
  }

  /** Idempotent: closes the transport (and with it the consumer). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.transport.closed) this.transport.close();
    this.observer.safeEmit('close');
  }
}
