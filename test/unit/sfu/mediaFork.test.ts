// MediaFork and ForkManager lifecycles against a real worker and ffmpeg, forks opened from the SFU's tap
// offers, without media flowing: the decoder is spawned and listening, the tap consumer resumed; every way
// of ending (producer, peer, room, close()) cascades to the tap's transport and consumer and to the ffmpeg
// process, and frees the decoder ports.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Producer } from 'mediasoup/types';
import { PortPairAllocator } from '../../../src/analyzer/decode/PortPairAllocator.js';
import { ForkManager } from '../../../src/analyzer/fork/ForkManager.js';
import { MediaFork } from '../../../src/analyzer/fork/MediaFork.js';
import { silentLogger } from '../../../src/log/logger.js';
import { attachForkMetrics } from '../../../src/app/attachMetrics.js';
import { Metrics } from '../../../src/app/metrics.js';
import type { Peer } from '../../../src/sfu/Peer.js';
import type { Room } from '../../../src/sfu/Room.js';
import { RoomRegistry } from '../../../src/sfu/RoomRegistry.js';
import { SfuTapSource, tapOffer } from '../../../src/sfu/SfuTapSource.js';
import { WorkerPool } from '../../../src/sfu/WorkerPool.js';
import { defaultSfuLimits, isAlive, liveChildProcesses, sfuTapOf, startRtpPublisher, testMedia, until, zombieChildren } from '../../support/index.js';

const rtpParameters = (kind: 'audio' | 'video', ssrc: number) =>
  kind === 'video'
    ? { mid: '0', codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc }], rtcp: { cname: 'x' } }
    : { mid: '1', codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc }], rtcp: { cname: 'x' } };

/** A peer with a producer on a (never connected) send transport: no media, but a real mediasoup Producer. */
async function producerIn(room: Room, kind: 'audio' | 'video' = 'video'): Promise<{ peer: Peer; producer: Producer }> {
  const peer = room.createPeer({ displayName: 'p' });
  const transport = await peer.createWebRtcTransport('send');
  const producer = await peer.produce({ transportId: transport.id, kind, rtpParameters: rtpParameters(kind, 1000 + Math.floor(Math.random() * 1e6)) as never });
  return { peer, producer };
}

describe('MediaFork lifecycle', () => {
  let pool: WorkerPool;
  let rooms: RoomRegistry;
  const ports = new PortPairAllocator({ min: 53000, max: 53999 });
  const opts = { fps: 5, maxSide: 320, logger: silentLogger(), ports };

  before(async () => {
    pool = await WorkerPool.create({ size: 1, rtcPorts: { min: 42000, max: 42999 }, logLevel: 'warn' }, silentLogger());
    rooms = new RoomRegistry(pool, { listenIp: '127.0.0.1' }, defaultSfuLimits(), silentLogger());
  });
  after(async () => {
    await rooms.close();
    await pool.close();
    await until(() => liveChildProcesses('ffmpeg').length === 0, 3_000, 'no ffmpeg left');
    assert.deepEqual(zombieChildren(), []);
  });

  async function assertGone(fork: MediaFork, pid: number | undefined, portsStillInUse = 0): Promise<void> {
    await until(() => fork.closed, 3_000, 'fork closed');
    await fork.close(); // idempotent, resolves once the decoder is gone
    assert.ok(pid);
    assert.equal(isAlive(pid), false, 'decoder exited');
    assert.equal(fork.tap.closed, true);
    assert.equal(sfuTapOf(fork).transport.closed, true);
    assert.equal(sfuTapOf(fork).consumer.closed, true);
    assert.equal(ports.inUse, portsStillInUse, 'ports released');
  }

  it('opens a listening decoder on a resumed tap consumer, and closes with its producer', async () => {
    const room = await rooms.getOrCreate('lifecycle-1');
    const { producer, peer } = await producerIn(room);
    const fork = await MediaFork.open({ ...opts, offer: tapOffer(room, peer, producer) });
    const tap = sfuTapOf(fork);
    assert.equal(fork.kind, 'video');
    assert.equal(tap.consumer.paused, false, 'resumed once the decoder listens');
    assert.equal(tap.transport.tuple.remotePort, tap.rtpPort);
    assert.equal(tap.transport.rtcpTuple?.remotePort, tap.rtpPort + 1);
    assert.ok(tap.transport.tuple.localPort >= room.portRange.min && tap.transport.tuple.localPort <= room.portRange.max);
    assert.ok(fork.stats.keyFrameRequests >= 1, 'a key frame was requested');
    let completed = false;
    let closedEmitted = false;
    fork.frames$.subscribe({ complete: () => (completed = true) });
    fork.closed$.subscribe(() => (closedEmitted = true));
    const pid = fork.decoderPid;
    assert.ok(pid && isAlive(pid));
    producer.close();
    await assertGone(fork, pid);
    assert.ok(completed && closedEmitted);
    let late = false;
    fork.closed$.subscribe(() => (late = true));
    assert.ok(late, 'closed$ replays to late subscribers');
    peer.close();
  });

  it('closes when the room closes, and on close()', async () => {
    const room = await rooms.getOrCreate('lifecycle-2');
    const { producer, peer } = await producerIn(room, 'audio');
    const a = await MediaFork.open({ ...opts, offer: tapOffer(room, peer, producer) });
    const b = await MediaFork.open({ ...opts, offer: tapOffer(room, peer, producer) });
    assert.equal(a.kind, 'audio');
    const [pa, pb] = [a.decoderPid, b.decoderPid];
    await b.close();
    await assertGone(b, pb, 1);
    assert.equal(a.closed, false);
    room.close();
    await assertGone(a, pa);
  });

  it('fails cleanly when the producer is already gone', async () => {
    const room = await rooms.getOrCreate('lifecycle-3');
    const { producer, peer } = await producerIn(room);
    producer.close();
    await assert.rejects(MediaFork.open({ ...opts, offer: tapOffer(room, peer, producer) }), { code: 'PRODUCER_NOT_FOUND' });
    assert.equal(ports.inUse, 0);
    peer.close();
  });

  it('ForkManager forks every producer of every room once it sends media, counts its taps, and closes them all', async () => {
    const metrics = new Metrics();
    const manager = new ForkManager({ taps: new SfuTapSource(rooms), analyzer: { fps: 5, maxSide: 320, decoderPorts: { min: 54000, max: 54999 } }, logger: silentLogger() });
    const detachMetrics = attachForkMetrics(manager, metrics);
    const seen: string[] = [];
    manager.observer.on('newfork', (fork) => seen.push(`${fork.roomId}/${fork.displayName}/${fork.kind}`));
    const clip = testMedia().astronautY4m;
    const [roomA, roomB] = [await rooms.getOrCreate('managed-a'), await rooms.getOrCreate('managed-b')];
    const silent = await producerIn(roomA, 'audio');
    const a = await startRtpPublisher(roomA, clip, { name: 'a' });
    const b = await startRtpPublisher(roomB, clip, { name: 'b' });
    try {
      await until(() => manager.forks.size === 2, 10_000, 'a fork for each sending producer');
      assert.deepEqual(seen.sort(), ['managed-a/a/video', 'managed-b/b/video']);
      assert.equal(manager.forks.has(silent.producer.id), false, 'a producer that sends nothing is not decoded');
      assert.equal(manager.waiting, 1);
      assert.equal((await metrics.taps.get()).values.find((v) => v.labels.kind === 'video')?.value, 2);
      const forks = [...manager.forks.values()];
      const pids = forks.map((f) => f.decoderPid);
      assert.equal(manager.forks.get(a.producer.id)?.peerId, a.peer.id);
      await manager.close();
      assert.ok(forks.every((f) => f.closed));
      assert.ok(pids.every((pid) => pid !== undefined && !isAlive(pid)));
      assert.equal(manager.ports.inUse, 0);
      assert.equal(manager.waiting, 0);
      assert.equal((await metrics.taps.get()).values.find((v) => v.labels.kind === 'video')?.value, 0, 'the taps gauge is back to 0');
      // Closed: no more forks.
      const late = await startRtpPublisher(roomB, clip, { name: 'late' });
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(manager.forks.size, 0);
      await late.close();
      detachMetrics();
    } finally {
      await a.close();
      await b.close();
      roomA.close();
      roomB.close();
    }
  });
});
