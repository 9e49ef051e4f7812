// /sfu signalling against a real mediasoup worker (no browser): token checks at connect, validation and
// out-of-order requests (each gets an error ack with its catalogue code and the socket stays usable), and
// the notifications between two peers.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Ack } from '../../../src/contracts/ack.js';
import type { ErrorCode } from '../../../src/contracts/errors.js';
import type { SfuResponses } from '../../../src/contracts/sfu.js';
import { TokenIssuer } from '../../../src/auth/tokens.js';
import { connectSfuClient, startSfuServer, until, type SfuTestClient, type SfuTestServer } from '../../support/index.js';

const VP8_RTP_PARAMETERS = {
  mid: '0',
  codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, rtcpFeedback: [], parameters: {} }],
  headerExtensions: [],
  encodings: [{ ssrc: 22223333 }],
  rtcp: { cname: 'signalling-test', reducedSize: true },
};

const DTLS_PARAMETERS = {
  role: 'client',
  fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }],
};

function expectError(ack: Ack<unknown>, code: ErrorCode): void {
  assert.equal(ack.ok, false, `expected ${code}, got ${JSON.stringify(ack).slice(0, 300)}`);
  if (!ack.ok) assert.equal(ack.error.code, code, ack.error.message);
}

function expectOk<T>(ack: Ack<T>): T {
  if (!ack.ok) assert.fail(`expected ok, got ${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}

describe('sfu signalling', () => {
  let server: SfuTestServer;
  const clients: SfuTestClient[] = [];
  const connect = async (room = 'r1', extraAuth: Record<string, unknown> = {}) => {
    const client = await connectSfuClient(server.url, { token: server.tokens.issue(room, 'meeting', 60_000), ...extraAuth });
    clients.push(client);
    return client;
  };

  before(async () => {
    server = await startSfuServer();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await until(() => server.rooms.size === 0, 5_000, 'every room to close after its peers left');
  });
  after(async () => {
    await server.close();
  });

  describe('connect', () => {
    const refusal = async (auth: Record<string, unknown>): Promise<string | undefined> => {
      try {
        const c = await connectSfuClient(server.url, auth);
        c.close();
        return 'connected';
      } catch (error) {
        return (error as { data?: { code?: string } }).data?.code;
      }
    };

    it('refuses a missing token', async () => {
      assert.equal(await refusal({}), 'UNAUTHORIZED');
    });

    it('refuses a forged token', async () => {
      const forged = new TokenIssuer('another-secret-0123456789-abcdefghijklmnop').issue('r1', 'meeting', 60_000);
      assert.equal(await refusal({ token: forged }), 'UNAUTHORIZED');
      assert.equal(await refusal({ token: 'ac1.garbage.garbage' }), 'UNAUTHORIZED');
    });

    it('refuses an expired token', async () => {
      assert.equal(await refusal({ token: server.tokens.issue('r1', 'meeting', -1_000) }), 'UNAUTHORIZED');
    });

    it('refuses a token of another scope', async () => {
      assert.equal(await refusal({ token: server.tokens.issue('r1', 'overlay', 60_000) }), 'FORBIDDEN');
    });

    it("refuses a token for another room than the page's", async () => {
      assert.equal(await refusal({ token: server.tokens.issue('r1', 'meeting', 60_000), room: 'r2' }), 'FORBIDDEN');
      assert.equal(await refusal({ token: server.tokens.issue('r1', 'meeting', 60_000), room: 'r1' }), 'connected');
    });
  });

  describe('requests', () => {
    it('answers malformed requests with BAD_REQUEST and stays usable', async () => {
      const c = await connect();
      expectError(await c.request('join', { displayName: 42 }), 'BAD_REQUEST');
      expectError(await c.request('join', { displayName: 'x', admin: true }), 'BAD_REQUEST');
      expectError(await c.request('join', 'not an object'), 'BAD_REQUEST');
      expectError(await c.request('createTransport', { direction: 'sideways' }), 'BAD_REQUEST');
      expectError(await c.request('connectTransport', { transportId: '', dtlsParameters: {} }), 'BAD_REQUEST');
      const joined = expectOk(await c.request<SfuResponses['join']>('join', { displayName: 'Alice' }));
      assert.equal(joined.roomId, 'r1');
      assert.ok(joined.peerId);
      assert.ok(joined.routerRtpCapabilities.codecs?.some((codec) => codec.mimeType === 'video/H264'));
      assert.deepEqual(joined.peers, []);
      const counted = (await server.metrics.signallingErrors.get()).values.find((v) => v.labels.code === 'BAD_REQUEST');
      assert.ok((counted?.value ?? 0) >= 5);
    });

    it('answers unknown requests with UNKNOWN_REQUEST', async () => {
      const c = await connect();
      expectError(await c.request('launchMissiles', {}), 'UNKNOWN_REQUEST');
      expectOk(await c.request('join', {}));
    });

    it('answers out-of-order requests with their codes and stays usable', async () => {
      const c = await connect();
      expectError(await c.request('createTransport', { direction: 'send' }), 'NOT_JOINED');
      expectError(await c.request('produce', { transportId: 't', kind: 'video', rtpParameters: VP8_RTP_PARAMETERS }), 'NOT_JOINED');
      expectError(await c.request('leave', {}), 'NOT_JOINED');
      expectOk(await c.request('join', {}));
      expectError(await c.request('join', {}), 'ALREADY_JOINED');
      expectError(await c.request('connectTransport', { transportId: 'nope', dtlsParameters: DTLS_PARAMETERS }), 'TRANSPORT_NOT_FOUND');
      expectError(await c.request('produce', { transportId: 'nope', kind: 'video', rtpParameters: VP8_RTP_PARAMETERS }), 'TRANSPORT_NOT_FOUND');
      expectError(await c.request('consume', { transportId: 'nope', producerId: 'nope', rtpCapabilities: {} }), 'PRODUCER_NOT_FOUND');
      expectError(await c.request('resume', { consumerId: 'nope' }), 'CONSUMER_NOT_FOUND');
      const recv = expectOk(await c.request<SfuResponses['createTransport']>('createTransport', { direction: 'recv' }));
      expectError(await c.request('produce', { transportId: recv.id, kind: 'video', rtpParameters: VP8_RTP_PARAMETERS }), 'BAD_REQUEST');
      const send = expectOk(await c.request<SfuResponses['createTransport']>('createTransport', { direction: 'send' }));
      assert.ok(send.iceCandidates.length > 0);
      assert.ok(send.iceCandidates.every((candidate) => candidate.address === '127.0.0.1'));
      // mediasoup's own validation (TypeError) → BAD_REQUEST
      expectError(await c.request('produce', { transportId: send.id, kind: 'video', rtpParameters: { codecs: 'VP8' } }), 'BAD_REQUEST');
      expectError(await c.request('connectTransport', { transportId: send.id, dtlsParameters: { role: 'client' } }), 'BAD_REQUEST');
      // …and the socket still works for valid requests
      const produced = expectOk(await c.request<SfuResponses['produce']>('produce', { transportId: send.id, kind: 'video', rtpParameters: VP8_RTP_PARAMETERS }));
      assert.ok(produced.producerId);
      expectOk(await c.request('connectTransport', { transportId: send.id, dtlsParameters: DTLS_PARAMETERS }));
      // consuming before the device is loaded (empty capabilities) is refused with CANNOT_CONSUME
      expectError(await c.request('consume', { transportId: recv.id, producerId: produced.producerId, rtpCapabilities: {} }), 'CANNOT_CONSUME');
      expectError(await c.request('consume', { transportId: send.id, producerId: produced.producerId, rtpCapabilities: {} }), 'BAD_REQUEST');
    });

    it('ignores a request without an ack callback', async () => {
      const c = await connect();
      c.socket.emit('join', {} as never, undefined as never); // no callback: must not join
      (c.socket as unknown as { emit(event: string, data: unknown): void }).emit('join', {});
      expectError(await c.request('createTransport', { direction: 'send' }), 'NOT_JOINED');
      expectOk(await c.request('join', {}));
      expectOk(await c.request('createTransport', { direction: 'send' }));
    });

    it('accepts requests without a payload where none is needed', async () => {
      const c = await connect();
      expectOk(await c.request('join'));
      expectOk(await c.request('leave'));
      expectOk(await c.request('join'));
    });
  });

  describe('two peers', () => {
    it('announces peers and producers, consumes, and cleans up when a peer goes', async () => {
      const alice = await connect('duo');
      const bob = await connect('duo');
      const a = expectOk(await alice.request<SfuResponses['join']>('join', { displayName: 'Alice' }));
      const bobJoined = alice.next('peerJoined');
      const b = expectOk(await bob.request<SfuResponses['join']>('join', { displayName: 'Bob' }));
      assert.deepEqual(await bobJoined, { peerId: b.peerId, displayName: 'Bob', producers: [] });
      assert.deepEqual(b.peers.map((p) => p.displayName), ['Alice']);
      const room = server.rooms.get('duo');
      assert.ok(room);
      assert.equal(room.peers.size, 2);

      const send = expectOk(await alice.request<SfuResponses['createTransport']>('createTransport', { direction: 'send' }));
      const announced = bob.next('newProducer');
      const { producerId } = expectOk(
        await alice.request<SfuResponses['produce']>('produce', {
          transportId: send.id,
          kind: 'video',
          rtpParameters: VP8_RTP_PARAMETERS,
          appData: { source: 'camera' },
        }),
      );
      assert.deepEqual(await announced, { producerId, kind: 'video', peerId: a.peerId });

      const recv = expectOk(await bob.request<SfuResponses['createTransport']>('createTransport', { direction: 'recv' }));
      const consumed = expectOk(
        await bob.request<SfuResponses['consume']>('consume', { transportId: recv.id, producerId, rtpCapabilities: b.routerRtpCapabilities }),
      );
      assert.equal(consumed.producerId, producerId);
      assert.equal(consumed.peerId, a.peerId);
      assert.equal(consumed.kind, 'video');
      expectOk(await bob.request('resume', { consumerId: consumed.id }));
      const bobPeer = room.peers.get(b.peerId);
      assert.equal(bobPeer?.consumers.get(consumed.id)?.paused, false);

      // A late joiner sees Alice's producer in its join answer.
      const carol = await connect('duo');
      const cj = expectOk(await carol.request<SfuResponses['join']>('join', { displayName: 'Carol' }));
      assert.deepEqual(cj.peers.find((p) => p.peerId === a.peerId)?.producers, [{ producerId, kind: 'video' }]);
      expectOk(await carol.request('leave', {}));

      // Alice disconnects: her transports, producer and Bob's consumer of it close; Bob is told.
      const consumerClosed = bob.next('consumerClosed');
      const peerLeft = bob.next('peerLeft');
      const alicePeer = room.peers.get(a.peerId);
      assert.ok(alicePeer);
      const aliceTransport = alicePeer.transports.get(send.id);
      assert.ok(aliceTransport);
      alice.close();
      assert.deepEqual(await consumerClosed, { consumerId: consumed.id, producerId });
      assert.deepEqual(await peerLeft, { peerId: a.peerId });
      assert.equal(alicePeer.closed, true);
      assert.equal(aliceTransport.closed, true);
      assert.equal(bobPeer?.consumers.size, 0);
      const dump = await room.router.dump();
      assert.equal(dump.transportIds.length, 1, 'only Bob\'s recv transport is left');
      assert.equal(room.peers.size, 1);

      // Bob leaves: the room (and its router) close, the gauges go back to zero.
      expectOk(await bob.request('leave', {}));
      assert.equal(room.closed, true);
      assert.equal(room.router.closed, true);
      assert.equal(server.rooms.size, 0);
      assert.equal((await server.metrics.rooms.get()).values[0]?.value, 0);
      assert.equal((await server.metrics.peers.get()).values[0]?.value, 0);
      // The socket is still usable after leave.
      expectOk(await bob.request('join', {}));
    });
  });
});
