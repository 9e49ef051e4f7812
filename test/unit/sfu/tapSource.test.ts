// The SFU's side of the tap seam against a real worker: every producer is offered (in rooms made before and
// after the subscription), with its room, peer and name; offersOf finds one participant's; an offer knows
// when its producer closes; unsubscribing stops the offers; openTap refuses a producer that is gone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Producer } from 'mediasoup/types';
import type { TapOffer } from '../../../src/contracts/taps.js';
import { silentLogger } from '../../../src/log/logger.js';
import type { Peer } from '../../../src/sfu/Peer.js';
import type { Room } from '../../../src/sfu/Room.js';
import { RoomRegistry } from '../../../src/sfu/RoomRegistry.js';
import { SfuTapSource } from '../../../src/sfu/SfuTapSource.js';
import { WorkerPool } from '../../../src/sfu/WorkerPool.js';
import { defaultSfuLimits } from '../../support/index.js';

const rtpParameters = (kind: 'audio' | 'video', ssrc: number) =>
  kind === 'video'
    ? { mid: '0', codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc }], rtcp: { cname: 'x' } }
    : { mid: '1', codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc }], rtcp: { cname: 'x' } };

let ssrc = 5000;
/** A peer with a producer on a (never connected) send transport: no media, but a real mediasoup Producer. */
async function producerIn(room: Room, name: string, kind: 'audio' | 'video' = 'video'): Promise<{ peer: Peer; producer: Producer }> {
  const peer = room.createPeer({ displayName: name });
  const transport = await peer.createWebRtcTransport('send');
  const producer = await peer.produce({ transportId: transport.id, kind, rtpParameters: rtpParameters(kind, ssrc++) as never });
  return { peer, producer };
}

const label = (o: TapOffer) => `${o.roomId}/${o.displayName}/${o.kind}`;

describe('SfuTapSource', { timeout: 60_000 }, () => {
  let pool: WorkerPool;
  let rooms: RoomRegistry;

  before(async () => {
    pool = await WorkerPool.create({ size: 1, rtcPorts: { min: 43000, max: 43999 }, logLevel: 'warn' }, silentLogger());
    rooms = new RoomRegistry(pool, { listenIp: '127.0.0.1' }, defaultSfuLimits(), silentLogger());
  });
  after(async () => {
    await rooms.close();
    await pool.close();
  });

  it('offers every producer of every room, now and as they come, until unsubscribed', async () => {
    const source = new SfuTapSource(rooms);
    const early = await rooms.getOrCreate('taps-early');
    const ada = await producerIn(early, 'Ada', 'audio');
    assert.deepEqual(source.offers().map(label), ['taps-early/Ada/audio']);

    const offered: TapOffer[] = [];
    const stop = source.onOffer((offer) => offered.push(offer));
    const late = await rooms.getOrCreate('taps-late');
    const bob = await producerIn(late, 'Bob', 'video');
    const ada2 = await producerIn(early, 'Ada again', 'video');
    assert.deepEqual(offered.map(label), ['taps-late/Bob/video', 'taps-early/Ada again/video']);
    const [bobOffer] = offered;
    assert.ok(bobOffer);
    assert.equal(bobOffer.peerId, bob.peer.id);
    assert.equal(bobOffer.producerId, bob.producer.id);
    assert.equal(await bobOffer.receivedBytes(), 0, 'nothing sent yet');

    assert.deepEqual(source.offersOf('taps-early', ada.peer.id).map((o) => o.producerId), [ada.producer.id]);
    assert.deepEqual(source.offersOf('taps-early', 'nobody'), []);
    assert.deepEqual(source.offersOf('no-such-room', ada.peer.id), []);

    let closed = 0;
    bobOffer.onClose(() => closed++);
    bob.producer.close();
    assert.equal(bobOffer.closed, true);
    assert.equal(closed, 1);
    bobOffer.onClose(() => closed++);
    assert.equal(closed, 2, 'a listener added after the close is called at once');
    await assert.rejects(bobOffer.openTap(50_000), { code: 'PRODUCER_NOT_FOUND' });

    stop();
    await producerIn(late, 'Cy', 'video');
    await producerIn(await rooms.getOrCreate('taps-after'), 'Di', 'video');
    assert.equal(offered.length, 2, 'no offers after unsubscribing');
    for (const p of [ada, ada2, bob]) p.peer.close();
  });
});
