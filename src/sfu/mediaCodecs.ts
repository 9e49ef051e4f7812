// The codecs every room's Router offers. Order is preference: mediasoup-client picks the first codec of a kind
// that the browser supports, so VP8 comes before H.264 (ffmpeg's H.264 RTP parser holds each frame back until
// the next one starts: +1 frame of analysis latency, about 68 ms at 15 fps).
import type { RouterRtpCodecCapability } from 'mediasoup/types';

export const ROUTER_MEDIA_CODECS: readonly RouterRtpCodecCapability[] = Object.freeze([
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
      'level-asymmetry-allowed': 1,
      'x-google-start-bitrate': 1000,
    },
  },
]);
