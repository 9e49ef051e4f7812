// A participant without a browser: a Peer of a real Room whose VP8 producer is fed by an ffmpeg child that
// sends a looping clip as RTP to the peer's ingest transport. The media path from there on is the one a
// browser's would take (producer → tap → decoder), so the bench and the decoder tests need no Chromium.
// The sender either encodes the clip live (libvpx realtime, optionally pixel-stamped with the wall clock)
// or, for a clip that is VP8 already, copies it: a copying sender costs almost no CPU, so many of them
// leave the machine to the server being measured.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Producer } from 'mediasoup/types';
import type { Peer } from '../sfu/Peer.js';
import type { Room } from '../sfu/Room.js';
import { stampFilterGraph } from './pixelStamp.js';

export interface RtpPublisher {
  peer: Peer;
  producer: Producer;
  /** The ffmpeg sender; undefined while stopped. */
  readonly sender: ChildProcess | undefined;
  /** Stops sending (the producer stays: a silent participant). */
  stopSending(): Promise<void>;
  startSending(): void;
  /**
   * Pauses and resumes the sender (SIGSTOP/SIGCONT): a muted participant who speaks again, from the same
   * socket — a new sender would come from another port, which the comedia transport rightly ignores.
   */
  pauseSending(): void;
  resumeSending(): void;
  /** Idempotent. */
  close(): Promise<void>;
}

export interface RtpPublisherOptions {
  name?: string;
  /** Start sending at once (default true). */
  send?: boolean;
  /** Publish from this peer (e.g. one that a signalling client joined) instead of a new one. */
  peer?: Peer;
  /** The clip is VP8 (WebM/IVF) with regular key frames: send its packets as they are, without encoding. */
  copy?: boolean;
  /** Encode with the wall-clock pixel stamp (pixelStamp.ts); the clip's frame height. Not with `copy`. */
  stampHeight?: number;
  /** Encoder bitrate (default 400k). */
  bitrate?: string;
  /** The sender is killed after this long, whatever happens to its owner (default 600 s). */
  deadlineMs?: number;
}

const PAYLOAD_TYPE = 101;

/** Publishes `clip` from a new peer of `room`, or from `options.peer`. */
export async function startRtpPublisher(room: Room, clip: string, options: RtpPublisherOptions = {}): Promise<RtpPublisher> {
  const peer = options.peer ?? room.createPeer({ displayName: options.name ?? 'rtp-publisher' });
  const transport = await peer.createIngestTransport();
  const ssrc = 100_000 + Math.floor(Math.random() * 1e6);
  const producer = await peer.produce({
    transportId: transport.id,
    kind: 'video',
    rtpParameters: {
      codecs: [{ mimeType: 'video/VP8', payloadType: PAYLOAD_TYPE, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }],
      encodings: [{ ssrc }],
    },
  });
  const port = transport.tuple.localPort;
  const rtcpPort = transport.rtcpTuple?.localPort ?? port;
  const args = senderArgs(clip, options, ssrc, `rtp://127.0.0.1:${port}?rtcpport=${rtcpPort}&pkt_size=1200`);
  let sender: ChildProcess | undefined;
  const startSending = () => {
    if (sender) return;
    // A deadline of its own, in case the owner dies without closing it.
    sender = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'ignore'], timeout: options.deadlineMs ?? 600_000 });
  };
  const stopSending = async () => {
    const child = sender;
    sender = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
  };
  if (options.send ?? true) startSending();
  let closing: Promise<void> | undefined;
  return {
    peer,
    producer,
    get sender() {
      return sender;
    },
    stopSending,
    startSending,
    pauseSending: () => void sender?.kill('SIGSTOP'),
    resumeSending: () => void sender?.kill('SIGCONT'),
    close: () =>
      (closing ??= (async () => {
        await stopSending();
        peer.close();
      })()),
  };
}

function senderArgs(clip: string, options: RtpPublisherOptions, ssrc: number, url: string): string[] {
  const input = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-stream_loop', '-1', '-i', clip, '-an'];
  const rtp = ['-ssrc', String(ssrc), '-payload_type', String(PAYLOAD_TYPE), '-f', 'rtp', url];
  if (options.copy) return [...input, '-c:v', 'copy', ...rtp];
  // The stamped frames carry wall-clock timestamps: passed through as they are, since a constant-rate output
  // would duplicate frames to fill every gap once the sender runs late, each copy with the same stamp.
  const video = options.stampHeight === undefined ? [] : ['-filter_complex', stampFilterGraph(options.stampHeight), '-map', '[stamped]', '-fps_mode', 'passthrough'];
  // no look-ahead (libvpx would hold up to 25 frames back), as a browser's real-time encoder has none
  const encode = ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-lag-in-frames', '0', '-b:v', options.bitrate ?? '400k', '-g', '15', '-keyint_min', '15'];
  return [...input, ...video, ...encode, ...rtp];
}
