// A participant without a browser: a Peer of a real Room whose VP8 producer is fed by an ffmpeg child that
// encodes a looping clip and sends it as RTP to the peer's ingest transport. The media path from there on is
// the one a browser's would take (producer → tap → decoder), so decoder tests need no Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Producer } from 'mediasoup/types';
import type { Peer } from '../../src/sfu/Peer.js';
import type { Room } from '../../src/sfu/Room.js';

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
  close(): Promise<void>;
}

const PAYLOAD_TYPE = 101;

/** Publishes from a new peer of `room`, or from `peer` (e.g. one that a signalling client joined). */
export async function startRtpPublisher(room: Room, clip: string, options: { name?: string; send?: boolean; peer?: Peer } = {}): Promise<RtpPublisher> {
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
  let sender: ChildProcess | undefined;
  const startSending = () => {
    if (sender) return;
    sender = spawn(
      'ffmpeg',
      [
        '-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-stream_loop', '-1', '-i', clip,
        '-an', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '400k', '-g', '15', '-keyint_min', '15',
        '-ssrc', String(ssrc), '-payload_type', String(PAYLOAD_TYPE),
        '-f', 'rtp', `rtp://127.0.0.1:${port}?rtcpport=${rtcpPort}&pkt_size=1200`,
      ],
      // A deadline of its own, in case a test dies without closing it.
      { stdio: ['ignore', 'ignore', 'ignore'], timeout: 600_000 },
    );
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
    close: async () => {
      await stopSending();
      peer.close();
    },
  };
}
