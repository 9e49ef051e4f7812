// The cluster link with a real redis-server and two socket.io servers in this process: a broadcast on one
// reaches the other's clients; with Redis stopped each keeps delivering to its own clients and takes new ones
// (a server-side emit then fails; it must not end the process); when Redis returns, delivery across servers
// resumes. Revocations: one revoked on a server reaches the other's list, also for a server that was away.
// And the configuration: only redis:// URLs, and no password in any log line or error.
import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { attachCluster, type ClusterLink } from '../../../src/cluster/attachCluster.js';
import { redactRedisUrl } from '../../../src/cluster/redisUrl.js';
import type { RevocationStore } from '../../../src/cluster/SharedRevocations.js';
import { loadConfig } from '../../../src/config/loadConfig.js';
import type { Logger } from '../../../src/log/logger.js';
import { startRedisServer, until, type RedisServer } from '../../support/index.js';

/** An in-memory revocation list with the Store's semantics. */
function revocationList(): RevocationStore & { ids: Set<string>; disconnected: string[] } {
  const ids = new Set<string>();
  const listeners = new Set<(id: string) => void>();
  return {
    ids,
    disconnected: [],
    revokeToken(id) {
      if (ids.has(id)) return false;
      ids.add(id);
      for (const l of listeners) l(id);
      return true;
    },
    revokedTokens: () => [...ids].map((id) => ({ id, revokedAt: Date.now() })),
    onRevoked(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

interface Node {
  io: Server;
  http: HttpServer;
  link: ClusterLink;
  revocations: ReturnType<typeof revocationList>;
  logs: string[];
  url: string;
  close(): Promise<void>;
}

async function startNode(redisUrl: string): Promise<Node> {
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _e, done) => (logs.push(String(chunk)), done()) })) as unknown as Logger;
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'] });
  const revocations = revocationList();
  const link = attachCluster(io, { redisUrl }, logger, {
    revocations,
    disconnect: (id) => revocations.disconnected.push(id),
    roomState: (room) => ({ roomId: room, participants: [], latest: [] }),
  });
  io.of('/affect').use((socket, next) => {
    socket.data.claims = { room: 'r' };
    next();
  });
  io.of('/affect').on('connection', (socket) => void socket.join('room:r'));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    io,
    http,
    link,
    revocations,
    logs,
    url,
    close: async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await link.close();
      await link.close(); // idempotent
    },
  };
}

async function client(node: Node): Promise<{ socket: Socket; got: number[] }> {
  const socket = connect(`${node.url}/affect`, { transports: ['websocket'], forceNew: true, reconnection: false });
  const got: number[] = [];
  socket.on('tick', (n: number) => got.push(n));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return { socket, got };
}

describe('cluster link', { timeout: 120_000 }, () => {
  let redis: RedisServer | undefined;
  const nodes: Node[] = [];
  const sockets: Socket[] = [];
  after(async () => {
    for (const s of sockets) s.close();
    for (const n of nodes) await n.close();
    await redis?.[Symbol.asyncDispose]();
  });

  it('delivers across servers, keeps serving local clients while Redis is away, and resumes when it returns', { timeout: 100_000 }, async () => {
    redis = await startRedisServer();
    const a = await startNode(redis.url);
    const b = await startNode(redis.url);
    nodes.push(a, b);
    await until(() => a.link.enabled && a.logs.some((l) => l.includes('connected to Redis')) && b.logs.some((l) => l.includes('connected to Redis')), 10_000, 'both connected');
    const onA = await client(a);
    const onB = await client(b);
    sockets.push(onA.socket, onB.socket);
    let n = 0;
    const tick = () => b.io.of('/affect').to('room:r').emit('tick', ++n);
    await until(() => (tick(), onA.got.length >= 3), 10_000, "B's broadcasts on A's client", 100);
    assert.ok(onB.got.length >= 3, "B's own client too");

    // Revoked on A: B's list has it and B closes its sockets admitted with it.
    a.revocations.revokeToken('revoked-token-1');
    await until(() => b.revocations.ids.has('revoked-token-1'), 10_000, 'the revocation on B');
    assert.deepEqual(b.revocations.disconnected, ['revoked-token-1']);
    assert.deepEqual(a.revocations.disconnected, [], 'the revoking node closes its own sockets itself');

    await redis.stop();
    await until(() => a.logs.some((l) => l.includes('cluster: lost Redis')), 10_000, 'A to log the lost Redis');
    const before = onB.got.length;
    await until(() => (tick(), onB.got.length >= before + 3), 10_000, "B's own client while Redis is away", 100);
    // New clients connect meanwhile (each asks the cluster for its room's state: that fails, quietly).
    const lateOnB = await client(b);
    sockets.push(lateOnB.socket);
    await until(() => (tick(), lateOnB.got.length >= 2), 10_000, 'a client that connected during the outage', 100);
    // Revoked on B while Redis is away: A gets it once both are back.
    b.revocations.revokeToken('revoked-token-2');

    await redis.start();
    const seenOnA = onA.got.length;
    await until(() => (tick(), onA.got.length >= seenOnA + 3), 30_000, "B's broadcasts on A after Redis returned", 200);
    await until(() => a.revocations.ids.has('revoked-token-2'), 45_000, 'the revocation made during the outage, on A');
    assert.ok(a.logs.some((l) => l.includes('Redis is back')));
  });

  it('accepts only redis:// and rediss:// URLs, and never shows the password', () => {
    assert.throws(() => loadConfig({}, { AFFECTCAST_REDIS_URL: 'http://user:s3cret@127.0.0.1:6379' }), (error: Error) => {
      assert.match(error.message, /cluster\.redisUrl/);
      assert.doesNotMatch(error.message, /s3cret/);
      return true;
    });
    assert.equal(loadConfig({}, { AFFECTCAST_REDIS_URL: 'redis://:s3cret@127.0.0.1:6379/2' }).cluster.redisUrl, 'redis://:s3cret@127.0.0.1:6379/2');
    assert.equal(loadConfig({}, {}).cluster.redisUrl, undefined, 'off by default');
    assert.equal(redactRedisUrl('rediss://admin:s3cret@cache.local:6380/1'), 'rediss://***:***@cache.local:6380/1');
    assert.equal(redactRedisUrl('redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379');
  });

  it('logs a Redis that is down at start without the password, and closes without leaving a connection trying', { timeout: 30_000 }, async () => {
    const node = await startNode('redis://:s3cret@127.0.0.1:1');
    await until(() => node.logs.some((l) => l.includes('cannot reach Redis')), 10_000, 'the warning');
    assert.ok(node.logs.every((l) => !l.includes('s3cret')), 'no password in the logs');
    const local = await client(node);
    node.io.of('/affect').to('room:r').emit('tick', 1);
    await until(() => local.got.length === 1, 5_000, 'local delivery without Redis');
    local.socket.close();
    await node.close();
  });
});
