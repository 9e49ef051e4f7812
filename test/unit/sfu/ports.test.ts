// PortPairAllocator: even/odd pairs inside the range, never the same pair twice while leased, pairs held by
// another socket skipped, exhaustion reported, released pairs reusable.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { describe, it } from 'node:test';
import { PortPairAllocator, probeUdpPort } from '../../../src/analyzer/decode/PortPairAllocator.js';

describe('PortPairAllocator', () => {
  it('hands out distinct even RTP ports with RTCP on the next port, inside the range', async () => {
    const ports = new PortPairAllocator({ min: 51001, max: 51020 }, async () => true);
    assert.equal(ports.capacity, 9, '51002/3 … 51018/19');
    const leases = await Promise.all(Array.from({ length: 9 }, () => ports.allocate()));
    const rtp = leases.map((l) => l.rtpPort).sort((a, b) => a - b);
    assert.deepEqual(rtp, [51002, 51004, 51006, 51008, 51010, 51012, 51014, 51016, 51018]);
    for (const l of leases) assert.equal(l.rtcpPort, l.rtpPort + 1);
    assert.equal(ports.inUse, 9);
    await assert.rejects(ports.allocate(), { code: 'MEDIA_ERROR' });
    leases[3]?.release();
    leases[3]?.release(); // idempotent
    assert.equal(ports.inUse, 8);
    assert.equal((await ports.allocate()).rtpPort, leases[3]?.rtpPort);
  });

  it('skips a pair whose RTP or RTCP port another socket holds', async () => {
    const busy = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => busy.bind(0, '127.0.0.1', resolve));
    const held = busy.address().port;
    try {
      // A range of exactly two pairs, one of which contains the held port.
      const first = held % 2 === 0 ? held : held - 1;
      const other = first + 2;
      const ports = new PortPairAllocator({ min: first, max: other + 1 });
      assert.equal(await probeUdpPort(held), false);
      const lease = await ports.allocate();
      assert.equal(lease.rtpPort, other);
      await assert.rejects(ports.allocate(), { code: 'MEDIA_ERROR' });
    } finally {
      busy.close();
    }
  });

  it('refuses a range without a pair', () => {
    assert.throws(() => new PortPairAllocator({ min: 50001, max: 50001 }), { code: 'CONFIG_INVALID' });
  });
});
