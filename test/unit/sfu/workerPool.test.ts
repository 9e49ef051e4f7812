// WorkerPool: port split, least-loaded pick, recreation after a worker dies (its rooms close and their
// sockets are told), and close() leaving no worker process (live or zombie).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../../../src/log/logger.js';
import { splitPortRange, WorkerPool } from '../../../src/sfu/WorkerPool.js';
import { RoomRegistry } from '../../../src/sfu/RoomRegistry.js';
import { connectSfuClient, defaultSfuLimits, isAlive, liveChildProcesses, startSfuServer, until, zombieChildren } from '../../support/index.js';

describe('WorkerPool', () => {
  it('splits the RTC port range into disjoint equal ranges', () => {
    assert.deepEqual(splitPortRange({ min: 40000, max: 49999 }, 4), [
      { min: 40000, max: 42499 },
      { min: 42500, max: 44999 },
      { min: 45000, max: 47499 },
      { min: 47500, max: 49999 },
    ]);
    assert.deepEqual(splitPortRange({ min: 40000, max: 40100 }, 3), [
      { min: 40000, max: 40032 },
      { min: 40033, max: 40065 },
      { min: 40066, max: 40098 },
    ]);
    assert.throws(() => splitPortRange({ min: 40000, max: 40020 }, 2), { code: 'CONFIG_INVALID' });
  });

  it('gives each worker its range, picks the least loaded, and closes without leaving processes', async () => {
    const pool = await WorkerPool.create({ size: 2, rtcPorts: { min: 41000, max: 41999 }, logLevel: 'warn' }, silentLogger());
    const pids = pool.workers.map((w) => w.worker.pid);
    try {
      assert.equal(pool.workers.length, 2);
      assert.deepEqual(
        pool.workers.map((w) => w.portRange),
        [
          { min: 41000, max: 41499 },
          { min: 41500, max: 41999 },
        ],
      );
      const rooms = new RoomRegistry(pool, { listenIp: '127.0.0.1' }, defaultSfuLimits(), silentLogger());
      const r1 = await rooms.getOrCreate('a');
      const r2 = await rooms.getOrCreate('b');
      assert.deepEqual(pool.loads(), [1, 1], 'one router on each worker');
      const peer = r1.createPeer({ displayName: 'x' });
      const transport = await peer.createWebRtcTransport('send');
      const port = transport.iceCandidates[0]?.port ?? 0;
      assert.ok(port >= r1.portRange.min && port <= r1.portRange.max, `port ${port} in ${JSON.stringify(r1.portRange)}`);
      assert.deepEqual(pool.loads().sort(), [1, 2]);
      const r3 = await rooms.getOrCreate('c');
      assert.equal(r3.portRange, r2.portRange, 'the third room goes to the less loaded worker');
      await rooms.close();
      assert.deepEqual(pool.loads(), [0, 0]);
    } finally {
      await pool.close();
    }
    for (const pid of pids) assert.equal(isAlive(pid), false, `worker ${pid} exited`);
    assert.deepEqual(liveChildProcesses('mediasoup-worke'), []);
    assert.deepEqual(zombieChildren(), []);
  });

  it('recreates a worker that died; its rooms close and their clients are disconnected', async () => {
    const server = await startSfuServer();
    try {
      const client = await connectSfuClient(server.url, { token: server.tokens.issue('doomed', 'meeting', 60_000) });
      const joined = await client.request('join', {});
      assert.equal(joined.ok, true);
      const room = server.rooms.get('doomed');
      assert.ok(room);
      const [before] = server.pool.workers;
      assert.ok(before);
      const disconnected = new Promise<string>((resolve) => client.socket.once('disconnect', resolve));
      process.kill(before.worker.pid, 'SIGKILL');
      assert.equal(await disconnected, 'io server disconnect');
      assert.equal(room.closed, true);
      assert.equal(server.rooms.size, 0);
      const after = await until(() => server.pool.workers[0], 5_000, 'a new worker');
      assert.notEqual(after.worker.pid, before.worker.pid);
      // The new worker serves new rooms.
      const again = await connectSfuClient(server.url, { token: server.tokens.issue('doomed', 'meeting', 60_000) });
      const rejoined = await again.request('join', {});
      assert.equal(rejoined.ok, true);
      again.close();
      client.close();
    } finally {
      await server.close();
    }
  });

  it('keeps recreating workers that keep dying, with a backoff, instead of giving up', async () => {
    const pool = await WorkerPool.create({ size: 1, rtcPorts: { min: 43000, max: 43999 }, logLevel: 'warn' }, silentLogger());
    try {
      const pids: number[] = [];
      const gaps: number[] = [];
      for (let death = 1; death <= 6; death++) {
        const current = await until(() => pool.workers[0], 15_000, `worker after ${death - 1} deaths`);
        pids.push(current.worker.pid);
        const killedAt = Date.now();
        process.kill(current.worker.pid, 'SIGKILL');
        await until(() => pool.workers.length === 0 || pool.workers[0] !== current, 5_000, 'the death noticed');
        const next = await until(() => (pool.workers[0] && pool.workers[0] !== current ? pool.workers[0] : undefined), 15_000, `worker after ${death} deaths`);
        gaps.push(Date.now() - killedAt);
        assert.notEqual(next.worker.pid, current.worker.pid);
      }
      assert.equal(new Set(pids).size, 6, 'a fresh worker each time');
      // The first three deaths are replaced at once, later ones after a growing pause (0.5 s, 1 s, 2 s).
      assert.ok((gaps[5] ?? 0) >= 1_500, `sixth replacement waited ${gaps[5]} ms`);
      assert.ok((gaps[0] ?? 1e9) < (gaps[5] ?? 0), `gaps ${gaps.join(', ')}`);
    } finally {
      await pool.close();
    }
    assert.deepEqual(liveChildProcesses('mediasoup-worke'), []);
  });
});
