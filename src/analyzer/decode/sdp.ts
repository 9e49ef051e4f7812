// The SDP an ffmpeg decoder reads from stdin to receive one RTP stream from a Tap. Only the media codec (the
// tap's codec) is described: the tap sends no RTX (ffmpeg never NACKs) and ffmpeg needs no more.
// The stream is SRTP: the SDP (written to the decoder's stdin, never on its command line) carries the key.
import { AffectcastError } from '../../contracts/errors.js';

/** The fields of the tap's codec (src/contracts/taps.ts TapCodec, RTP codec parameters) that the SDP needs. */
export interface SdpCodec {
  mimeType: string;
  payloadType: number;
  clockRate: number;
  channels?: number | undefined;
  parameters?: Record<string, unknown> | undefined;
}

/** SDES key of an SRTP stream (RFC 4568): what mediasoup's PlainTransport encrypts with. */
export interface SdpSrtp {
  cryptoSuite: 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';
  /** 30 bytes (16 key + 14 salt), base64. */
  keyBase64: string;
}

export function buildDecoderSdp(codec: SdpCodec, rtpPort: number, ip: string, srtp?: SdpSrtp): string {
  const [kind, name] = codec.mimeType.split('/');
  if ((kind !== 'audio' && kind !== 'video') || !name) {
    throw new AffectcastError('INTERNAL', `unexpected codec MIME type ${codec.mimeType}`);
  }
  if (!Number.isInteger(codec.payloadType) || codec.payloadType < 0 || codec.payloadType > 127) {
    throw new AffectcastError('INTERNAL', `invalid payload type ${codec.payloadType}`);
  }
  if (!Number.isInteger(rtpPort) || rtpPort < 1 || rtpPort > 65534) throw new AffectcastError('INTERNAL', `invalid RTP port ${rtpPort}`);
  if (srtp && !/^[A-Za-z0-9+/]{40}$/.test(srtp.keyBase64)) throw new AffectcastError('INTERNAL', 'an SRTP key is 30 bytes in base64');
  const pt = codec.payloadType;
  // Sender hints (x-google-*) mean nothing to a receiver; everything else (H.264 packetization-mode and
  // profile, Opus parameters) is passed on as the consumer has it.
  const fmtp = Object.entries(codec.parameters ?? {})
    .filter(([key, value]) => !key.startsWith('x-google-') && (typeof value === 'string' || typeof value === 'number'))
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(';');
  const channels = kind === 'audio' && codec.channels && codec.channels > 1 ? `/${codec.channels}` : '';
  return [
    'v=0',
    `o=- 0 0 IN IP4 ${ip}`,
    's=affectcast-decoder',
    `c=IN IP4 ${ip}`,
    't=0 0',
    `m=${kind} ${rtpPort} RTP/AVP ${pt}`,
    `a=rtpmap:${pt} ${name}/${codec.clockRate}${channels}`,
    ...(fmtp ? [`a=fmtp:${pt} ${fmtp}`] : []),
    ...(srtp ? [`a=crypto:1 ${srtp.cryptoSuite} inline:${srtp.keyBase64}`] : []),
    'a=recvonly',
    '',
  ].join('\n');
}
