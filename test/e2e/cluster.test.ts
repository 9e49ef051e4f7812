// Scale-out with real parts: two `affectcast serve` processes (own data directories, one shared secret) and one
// private redis-server. A publisher on node B (Chromium's fake camera → meeting page → B's SFU, analysed on B)
// reaches an overlay socket on node A; the tokens each one uses were minted by the other node. A token revoked
// on A is refused on B, and B's socket admitted with it is closed. When Redis goes away both nodes go on serving
// their own clients (and say so); when it returns, A receives B's events again; a node started while Redis is
// down starts and serves.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { after, describe, it } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import type { AffectEvent } from '../../src/contracts/affect.js';
import type { AffectServerToClientEvents, RoomState } from '../../src/contracts/overlay.js';
import type { MeetingWindow } from '../../src/web/meeting/pageState.js';
import {
  acceptConsent,
  AFFECTCAST_BIN,
  cleanEnv,
  freePort,
  launchBrowser,
  saveText,
  startRedisServer,
  startServeProcess,
  testMedia,
  until,
  type RedisServer,
  type ServeProcess,
  type TestBrowser,
} from '../support/index.js';

const ROOM = 'stage';
const tokenOf = (url: string): string => new URL(url).searchParams.get('token') ?? '';

type AffectSocket = Socket<AffectServerToClientEvents>;

function listen(base: string, token: string): { socket: AffectSocket; events: AffectEvent[]; states: RoomState[]; closing: string[] } {
  const socket: AffectSocket = connect(`${base}/affect`, { transports: ['websocket'], auth: { token }, forceNew: true, reconnection: false });
  const out = { socket, events: [] as AffectEvent[], states: [] as RoomState[], closing: [] as string[] };
  socket.on('affect', (e) => out.events.push(e));
  socket.on('roomState', (s) => out.states.push(s));
  socket.on('closing', (n) => out.closing.push(n.message));
  return out;
}

/** Resolves true once connected, false when refused. */
const admitted = (socket: AffectSocket) =>
  new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('connect_error', () => resolve(false));
  });

const logged = (server: ServeProcess, text: string) => server.logLines().some((l) => typeof l.msg === 'string' && l.msg.includes(text));

describe('two nodes and one Redis', { timeout: 290_000 }, () => {
  const servers: ServeProcess[] = [];
  const sockets: AffectSocket[] = [];
  let redis: RedisServer | undefined;
  let browser: TestBrowser | undefined;

  after(async () => {
    // The nodes' logs, for a failure's post-mortem.
    for (const [i, server] of servers.entries()) saveText(`cluster-node-${'abc'[i] ?? i}.log`, server.stderr());
    for (const socket of sockets) socket.close();
    await browser?.close();
    for (const server of servers) await server.stop();
    await redis?.[Symbol.asyncDispose]();
  });

  it('carries events, tokens and revocations across nodes, and survives Redis going away', { timeout: 280_000 }, async (ctx) => {
    redis = await startRedisServer();
    const secret = crypto.randomBytes(32).toString('base64url');
    const env = { AFFECTCAST_SECRET: secret, AFFECTCAST_REDIS_URL: redis.url, AFFECTCAST_ANALYSIS_FPS: '5' };
    const [a, b] = await Promise.all([startServeProcess(['--room', ROOM], env), startServeProcess(['--room', ROOM], env)]);
    servers.push(a, b);

    // The overlay on A holds a token minted by B; the publisher on B one minted by A.
    const overlay = listen(a.urls.base, tokenOf(b.urls.overlay));
    sockets.push(overlay.socket);
    assert.equal(await admitted(overlay.socket), true, "A accepts B's overlay token");
    browser = await launchBrowser({ name: 'cluster', y4m: testMedia().astronautY4m });
    const page = await browser.newPage(`${b.urls.base}/room/${ROOM}?token=${tokenOf(a.urls.meeting)}&name=Ana`);
    await acceptConsent(page, 30_000);
    const peerId = await until(() => page.evaluate(() => (globalThis as unknown as MeetingWindow).affectcastMeeting.peerId), 30_000, "B to accept A's meeting token");
    await until(() => overlay.events.filter((e) => e.peerId === peerId && e.faces.length > 0).length >= 5, 120_000, "B's events on A's overlay");

    // A client connecting to A later is told the room's present by B: the participant and their latest event.
    const late = listen(a.urls.base, tokenOf(a.urls.overlay));
    sockets.push(late.socket);
    await until(() => late.states.some((s) => s.participants.some((p) => p.displayName === 'Ana') && s.latest.some((e) => e.peerId === peerId)), 15_000, "B's room state on A");

    // Revocation: an overlay token minted on A through its admin API, used on B, revoked on A.
    const admin = execFileSync(process.execPath, [AFFECTCAST_BIN, 'token', '--room', ROOM, '--role', 'admin', '--data-dir', a.dataDir], {
      env: cleanEnv({ AFFECTCAST_SECRET: secret }),
      encoding: 'utf8',
    }).match(/^token: (\S+)$/m)?.[1];
    assert.ok(admin, 'an admin token');
    const minted = await fetch(`${a.urls.base}/api/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ room: ROOM, role: 'overlay', ttl: '1h' }),
    });
    assert.equal(minted.status, 201);
    const { id, token } = (await minted.json()) as { id: string; token: string };
    const onB = listen(b.urls.base, token);
    sockets.push(onB.socket);
    assert.equal(await admitted(onB.socket), true, 'B accepts the token minted on A');
    const revoked = await fetch(`${a.urls.base}/api/tokens/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
    assert.equal(revoked.status, 204);
    await until(() => onB.socket.disconnected, 10_000, "B to close the revoked token's socket");
    assert.deepEqual(onB.closing, ['token revoked']);
    const again = listen(b.urls.base, token);
    sockets.push(again.socket);
    assert.equal(await admitted(again.socket), false, 'B refuses the token revoked on A');

    // Redis goes away: each node keeps serving its own clients and says why cross-node delivery stopped.
    const local = listen(b.urls.base, tokenOf(b.urls.dashboard));
    sockets.push(local.socket);
    assert.equal(await admitted(local.socket), true);
    await redis.stop();
    await until(() => logged(a, 'cluster: lost Redis') && logged(b, 'cluster: lost Redis'), 15_000, 'both nodes to log the lost Redis');
    const seenLocally = local.events.length;
    await until(() => local.events.length >= seenLocally + 5, 30_000, "B's own dashboard to go on receiving while Redis is down");
    const health = await fetch(`${a.urls.base}/healthz`);
    assert.equal(health.status, 200, 'A stays healthy without Redis');

    // A node started while Redis is down starts, says so, and serves.
    const c = await startServeProcess(['--room', ROOM], { ...env, AFFECTCAST_REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    servers.push(c);
    await until(() => logged(c, 'cluster: cannot reach Redis'), 15_000, 'the node without Redis to say so');
    assert.equal((await fetch(`${c.urls.base}/healthz`)).status, 200);
    await c.stop();

    // Redis returns (empty): A receives B's events again.
    await redis.start();
    const seenOnA = overlay.events.length;
    await until(() => overlay.events.length >= seenOnA + 5, 60_000, "B's events on A once Redis is back");
    ctx.diagnostic(`A's overlay received ${overlay.events.length} of B's events; B's dashboard ${local.events.length}`);
    await page.close();
  });
});
