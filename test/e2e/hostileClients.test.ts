// What a hostile participant with nothing but a meeting link can try, against a whole App on loopback: odd
// event names, more transports, producers, peers and rooms than allowed, a token that expires while its
// socket is open, bare connections to the default namespace, and a page on a foreign origin. Each attack gets
// a catalogue code or a refusal, and nothing else changes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Manager, io as ioClient, type Socket } from 'socket.io-client';
import type { Ack } from '../../src/contracts/ack.js';
import type { ErrorCode, ErrorPayload } from '../../src/contracts/errors.js';
import { SFU_NAMESPACE, type SfuResponses } from '../../src/contracts/sfu.js';
import { connectSfuClient, until, startTestApp, type SfuTestClient, type TestApp } from '../support/index.js';

const VP8 = (ssrc: number) => ({
  mid: String(ssrc % 100),
  codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, rtcpFeedback: [], parameters: {} }],
  headerExtensions: [],
  encodings: [{ ssrc }],
  rtcp: { cname: 'hostile', reducedSize: true },
});

function codeOf(ack: Ack<unknown>): ErrorCode | 'ok' {
  return ack.ok ? 'ok' : ack.error.code;
}

/** Resolves with the refusal's code, or 'connected'. */
function tryConnect(url: string, options: Parameters<typeof ioClient>[1]): Promise<string> {
  return new Promise((resolve) => {
    const socket = ioClient(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5_000, ...options });
    socket.once('connect', () => {
      socket.close();
      resolve('connected');
    });
    socket.once('connect_error', (error: Error & { data?: ErrorPayload }) => {
      socket.close();
      resolve(error.data?.code ?? `transport: ${error.message}`);
    });
  });
}

describe('hostile clients', { timeout: 120_000 }, () => {
  let t: TestApp;
  const clients: SfuTestClient[] = [];
  const join = async (room: string): Promise<SfuTestClient> => {
    const c = await connectSfuClient(t.baseUrl, { token: t.token('meeting', room) });
    clients.push(c);
    return c;
  };

  before(async () => {
    t = await startTestApp({
      config: {
        limits: { transportsPerPeer: 3, producersPerPeer: 2, peersPerRoom: 2, rooms: 2 },
        server: { allowedOrigins: ['https://studio.example'] },
      },
    });
  });
  after(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  it('answers a numeric event name (which socket.io allows) with UNKNOWN_REQUEST and stays usable', async () => {
    const c = await join('odd');
    const raw = c.socket as unknown as Socket;
    const reply = await new Promise<Ack<unknown>>((resolve) => raw.emit(42 as unknown as string, resolve));
    assert.equal(codeOf(reply), 'UNKNOWN_REQUEST');
    const withData = await new Promise<Ack<unknown>>((resolve) => raw.emit(7 as unknown as string, { x: 1 }, resolve));
    assert.equal(codeOf(withData), 'UNKNOWN_REQUEST');
    assert.equal(codeOf(await c.request('join', {})), 'ok');
  });

  it('holds the limits per peer: concurrent requests past a limit get LIMIT_REACHED, others still work', async () => {
    const c = await join('limits');
    await c.request('join', {});
    const replies = await Promise.all(Array.from({ length: 12 }, () => c.request<SfuResponses['createTransport']>('createTransport', { direction: 'send' })));
    const codes = replies.map(codeOf);
    assert.equal(codes.filter((code) => code === 'ok').length, 3, codes.join(','));
    assert.equal(codes.filter((code) => code === 'LIMIT_REACHED').length, 9);
    const room = t.app.rooms.get('limits');
    assert.ok(room);
    const peer = [...room.peers.values()][0];
    assert.equal(peer?.transports.size, 3, 'nothing beyond the limit was created');
    const send = replies.find((r) => r.ok);
    assert.ok(send?.ok);
    const produced = await Promise.all([1, 2, 3, 4].map((i) => c.request('produce', { transportId: send.data.id, kind: 'video', rtpParameters: VP8(1000 + i) })));
    assert.deepEqual(produced.map(codeOf).sort(), ['LIMIT_REACHED', 'LIMIT_REACHED', 'ok', 'ok']);
    assert.equal(peer?.producers.size, 2);
    // Another participant of the same room is not affected.
    const other = await join('limits');
    assert.equal(codeOf(await other.request('join', {})), 'ok');
    assert.equal(codeOf(await other.request('createTransport', { direction: 'recv' })), 'ok');
  });

  it('holds the limits per room and per server', async () => {
    // 'limits' already holds 2 peers (the previous test): a third is refused.
    const third = await join('limits');
    assert.equal(codeOf(await third.request('join', {})), 'LIMIT_REACHED');
    assert.equal(t.app.rooms.get('limits')?.peers.size, 2);
    // Rooms: 'odd' and 'limits' exist, the server holds 2.
    const elsewhere = await join('a-third-room');
    assert.equal(codeOf(await elsewhere.request('join', {})), 'LIMIT_REACHED');
    assert.equal(t.app.rooms.size, 2);
    assert.equal(t.app.rooms.get('a-third-room'), undefined);
  });

  it('disconnects a socket when its token expires, saying why', async () => {
    const c = await connectSfuClient(t.baseUrl, { token: t.token('meeting', 'odd', 1_500) });
    clients.push(c);
    const notice = c.next('closing', 6_000);
    const disconnected = new Promise<string>((resolve) => c.socket.once('disconnect', resolve));
    assert.deepEqual(await notice, { code: 'UNAUTHORIZED', message: 'token expired' });
    assert.equal(await disconnected, 'io server disconnect');
    // An expired token cannot reconnect either.
    assert.equal(await tryConnect(`${t.baseUrl}${SFU_NAMESPACE}`, { auth: { token: t.token('meeting', 'odd', -1_000) } }), 'UNAUTHORIZED');
  });

  it('refuses the default namespace and closes connections that join no namespace', async () => {
    assert.equal(await tryConnect(t.baseUrl, {}), 'NOT_FOUND');
    assert.equal(await tryConnect(t.baseUrl, { auth: { token: t.token('meeting', 'odd') } }), 'NOT_FOUND');
    // A raw connection that never asks for a namespace is closed by the server (connect timeout 5 s).
    const manager = new Manager(t.baseUrl, { transports: ['websocket'], reconnection: false, autoConnect: false });
    const opened = Date.now();
    await new Promise<void>((resolve, reject) => manager.open((error) => (error ? reject(error) : resolve())));
    const closed = await new Promise<number>((resolve) => manager.once('close', () => resolve(Date.now() - opened)));
    assert.ok(closed >= 4_000 && closed < 8_000, `closed after ${closed} ms`);
  });

  it("refuses a WebSocket from a foreign origin, accepts the server's own and the configured ones", async () => {
    const url = `${t.baseUrl}${SFU_NAMESPACE}`;
    const auth = { token: t.token('meeting', 'odd') };
    const withOrigin = (origin: string) => tryConnect(url, { auth, extraHeaders: { origin } });
    assert.match(await withOrigin('https://evil.example'), /^transport/);
    assert.equal(await withOrigin(t.baseUrl), 'connected');
    assert.equal(await withOrigin('https://studio.example'), 'connected');
    assert.equal(await tryConnect(url, { auth }), 'connected', 'no Origin: not a browser, judged by its token');
  });

  it('is still whole after all of it', async () => {
    const health = await fetch(`${t.baseUrl}/healthz`);
    assert.equal(health.status, 200);
    await until(async () => codeOf(await (await join('odd')).request('leave', {})) === 'NOT_JOINED', 5_000, 'a fresh socket answers');
  });
});
