// Property-based attack on a real `affectcast serve` process: seeded, bounded runs of arbitrary event names,
// argument shapes and orders at /sfu, /affect and the default namespace, and arbitrary requests at every HTTP
// route. Whatever arrives, the process stays up, every ack carries a catalogue code, the sockets stay usable,
// no route answers 5xx, and nothing at error level (an unhandled rejection, a crash) reaches the log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { io as ioClient, type Socket } from 'socket.io-client';
import { ERROR_CODES, type ErrorPayload } from '../../src/contracts/errors.js';
import { SfuRequestSchemas } from '../../src/contracts/sfu.js';
import { isAlive, startServeProcess, type ServeProcess } from '../support/index.js';

const SEED = 20261202;
const REQUEST_NAMES = Object.keys(SfuRequestSchemas);

const isCatalogueCode = (code: unknown): boolean => typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);

/** Ack answers are `{ ok: true, data }` or `{ ok: false, error: { code, message } }` with a catalogue code. */
function assertAck(reply: unknown, what: string): void {
  assert.ok(typeof reply === 'object' && reply !== null, `${what}: ack is an object`);
  const r = reply as { ok?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } };
  if (r.ok === true) return;
  assert.equal(r.ok, false, `${what}: ${JSON.stringify(reply).slice(0, 200)}`);
  assert.ok(isCatalogueCode(r.error?.code), `${what}: code ${String(r.error?.code)}`);
  assert.equal(typeof r.error?.message, 'string');
}

function connect(url: string, auth: Record<string, unknown>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = ioClient(url, { transports: ['websocket'], auth, reconnection: false, forceNew: true });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error));
  });
}

function emitWithAck(socket: Socket, event: string | number, args: unknown[], timeoutMs = 5_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${String(event)} within ${timeoutMs} ms`)), timeoutMs);
    (socket.emit as (...a: unknown[]) => void)(event, ...args, (reply: unknown) => {
      clearTimeout(timer);
      resolve(reply);
    });
  });
}

/** Event names: the real requests, other strings, and integers (socket.io's parser accepts numbers too). */
const eventName = fc.oneof(fc.constantFrom(...REQUEST_NAMES), fc.string({ maxLength: 40 }), fc.integer());
/** Arguments before the ack: any JSON, and shapes close to the real ones. */
const argument = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ direction: fc.constantFrom('send', 'recv', 'x'), transportId: fc.string(), displayName: fc.string({ maxLength: 80 }) }, { requiredKeys: [] }),
  fc.record({ transportId: fc.string(), kind: fc.constantFrom('audio', 'video'), rtpParameters: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })) }),
);
const args = fc.array(argument, { maxLength: 3 });

describe('fuzzing a running server', { timeout: 300_000 }, () => {
  let server: ServeProcess;
  const tokenOf = (url: string) => new URL(url).searchParams.get('token') ?? '';

  before(async () => {
    server = await startServeProcess(['--room', 'fuzz']);
  });
  after(async () => {
    await server?.stop();
  });

  it('/sfu: every request gets one ack with a catalogue code, in any order, and the socket stays usable', async () => {
    const socket = await connect(`${server.urls.base}/sfu`, { token: tokenOf(server.urls.meeting) });
    try {
      await fc.assert(
        fc.asyncProperty(eventName, args, fc.boolean(), async (event, eventArgs, withAck) => {
          if (!withAck) {
            (socket.emit as (...a: unknown[]) => void)(event, ...eventArgs);
            return;
          }
          assertAck(await emitWithAck(socket, event, eventArgs), `${String(event)}(${JSON.stringify(eventArgs).slice(0, 120)})`);
        }),
        { seed: SEED, numRuns: 2_000 },
      );
      assert.equal(socket.connected, true);
      assertAck(await emitWithAck(socket, 'leave', [{}]), 'leave');
      const join = (await emitWithAck(socket, 'join', [{ displayName: 'after the storm' }])) as { ok: boolean };
      assert.equal(join.ok, true, 'a valid request still works');
    } finally {
      socket.close();
    }
  });

  it('/affect: any message is answered UNKNOWN_REQUEST and the overlay socket stays connected', async () => {
    const socket = await connect(`${server.urls.base}/affect`, { token: tokenOf(server.urls.overlay) });
    try {
      await fc.assert(
        fc.asyncProperty(eventName, args, async (event, eventArgs) => {
          const reply = (await emitWithAck(socket, event, eventArgs)) as { ok: boolean; error?: ErrorPayload };
          assert.equal(reply.ok, false);
          assert.equal(reply.error?.code, 'UNKNOWN_REQUEST');
        }),
        { seed: SEED, numRuns: 500 },
      );
      assert.equal(socket.connected, true);
    } finally {
      socket.close();
    }
  });

  it('the default namespace and every namespace refuse arbitrary handshakes with a catalogue code', async () => {
    const namespaces = ['', '/sfu', '/affect', '/session', '/file'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...namespaces), fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 })), async (ns, auth) => {
        const outcome = await new Promise<{ connected: boolean; code?: unknown }>((resolve) => {
          const socket = ioClient(`${server.urls.base}${ns}`, { transports: ['websocket'], auth, reconnection: false, forceNew: true });
          socket.once('connect', () => {
            socket.close();
            resolve({ connected: true });
          });
          socket.once('connect_error', (error: Error & { data?: ErrorPayload }) => {
            socket.close();
            resolve({ connected: false, code: error.data?.code });
          });
        });
        assert.equal(outcome.connected, false, `${ns || '/'} admitted ${JSON.stringify(auth)}`);
        assert.ok(isCatalogueCode(outcome.code), `${ns || '/'}: ${String(outcome.code)}`);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('HTTP: no route answers 5xx to arbitrary methods, paths, queries, headers and bodies', async () => {
    const realTokens = [server.urls.meeting, server.urls.overlay, server.urls.dashboard].map(tokenOf);
    const token = fc.oneof(
      fc.string(),
      fc.constantFrom(...realTokens),
      fc.tuple(fc.constantFrom(...realTokens), fc.nat(200), fc.string({ minLength: 1, maxLength: 1 })).map(([t, i, c]) => t.slice(0, i % t.length) + c + t.slice((i % t.length) + 1)),
    );
    const segment = fc.oneof(fc.constantFrom('fuzz', 'demo', '..', '%00', 'meeting.js', 'a'.repeat(300)), fc.string({ maxLength: 30 }));
    const pathArb = fc.oneof(
      segment.map((s) => `/room/${encodeURIComponent(s)}`),
      fc.constantFrom('/overlay', '/dashboard', '/healthz', '/readyz', '/metrics', '/favicon.ico', '/', '/socket.io/'),
      segment.map((s) => `/assets/${encodeURIComponent(s)}`),
      segment.map((s) => `/api/rooms/${encodeURIComponent(s)}/events`),
      fc.webPath(),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'),
        pathArb,
        fc.dictionary(fc.constantFrom('room', 'token', 'format', 'session', 'x'), fc.oneof(token, fc.string())),
        fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
        async (method, path, query, body) => {
          const url = new URL(`${server.urls.base}${path}`);
          for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
          const hasBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
          const response = await fetch(url, {
            method,
            ...(hasBody ? { body, headers: { 'content-type': 'application/json' } } : {}),
            signal: AbortSignal.timeout(5_000),
          });
          await response.arrayBuffer();
          assert.ok(response.status < 500, `${method} ${url.pathname}${url.search.slice(0, 80)} → ${response.status}`);
        },
      ),
      { seed: SEED, numRuns: 600 },
    );
  });

  it('is alive, healthy, and logged nothing at error level', async () => {
    assert.equal(isAlive(server.child.pid ?? -1), true);
    assert.equal((await fetch(`${server.urls.base}/healthz`)).status, 200);
    const severe = server.logLines().filter((l) => typeof l.level !== 'number' || l.level >= 50);
    assert.deepEqual(severe.map((l) => `${String(l.msg)} ${JSON.stringify(l.err ?? '').slice(0, 200)}`), []);
    assert.doesNotMatch(server.stderr(), /unhandled|uncaught/i);
  });
});
