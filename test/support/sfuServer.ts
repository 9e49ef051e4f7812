// The SFU alone — a mediasoup worker, rooms and the /sfu namespace on a bare HTTP server — plus a Node
// socket.io client for it. For signalling tests that need no pages, no bundles and no browser. Metrics are
// attached from outside, as the App attaches them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { io as ioClient, type Socket as ClientSocket } from 'socket.io-client';
import { TokenIssuer } from '../../src/auth/tokens.js';
import type { Ack } from '../../src/contracts/ack.js';
import type { ErrorPayload } from '../../src/contracts/errors.js';
import { SFU_NAMESPACE, type SfuClientToServerEvents, type SfuServerToClientEvents } from '../../src/contracts/sfu.js';
import { silentLogger, type Logger } from '../../src/log/logger.js';
import { attachRoomMetrics, attachSignallingMetrics } from '../../src/app/attachMetrics.js';
import { Metrics } from '../../src/app/metrics.js';
import type { Tap } from '../../src/contracts/taps.js';
import { MediaTap } from '../../src/sfu/MediaTap.js';
import { RoomRegistry, sfuLimits, type RegistryLimits } from '../../src/sfu/RoomRegistry.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { WorkerPool } from '../../src/sfu/WorkerPool.js';
import { attachSfuNamespace, type SfuNamespace } from '../../src/sfu/signalling/attachSfuNamespace.js';
import { SignallingObserver } from '../../src/sfu/signalling/SignallingObserver.js';

export const TEST_SECRET = 'test-secret-0123456789-abcdefghijklmnop';

export interface SfuTestServer extends AsyncDisposable {
  url: string;
  tokens: TokenIssuer;
  pool: WorkerPool;
  rooms: RoomRegistry;
  metrics: Metrics;
  io: SocketIoServer;
  close(): Promise<void>;
}

/** The SFU limits of the default configuration. */
export const defaultSfuLimits = (): RegistryLimits => sfuLimits(ConfigSchema.parse({}).limits);

export async function startSfuServer(options: { logger?: Logger; workers?: number; limits?: RegistryLimits } = {}): Promise<SfuTestServer> {
  const logger = options.logger ?? silentLogger();
  const metrics = new Metrics();
  const tokens = new TokenIssuer(TEST_SECRET);
  const pool = await WorkerPool.create({ size: options.workers ?? 1, rtcPorts: { min: 40000, max: 49999 }, logLevel: 'warn' }, logger);
  const rooms = new RoomRegistry(pool, { listenIp: '127.0.0.1' }, options.limits ?? defaultSfuLimits(), logger);
  const signalling = new SignallingObserver();
  const detachMetrics = [attachRoomMetrics(rooms, metrics), attachSignallingMetrics(signalling, metrics)];
  const server = http.createServer();
  const io = new SocketIoServer(server, { serveClient: false, transports: ['websocket'] });
  const detach = attachSfuNamespace(io.of(SFU_NAMESPACE) as SfuNamespace, { rooms, tokens, observer: signalling, logger });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      detach();
      for (const d of detachMetrics) d();
      io.disconnectSockets(true);
      await rooms.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await pool.close();
    })());
  return { url, tokens, pool, rooms, metrics, io, close, [Symbol.asyncDispose]: close };
}

export type SfuClientSocket = ClientSocket<SfuServerToClientEvents, SfuClientToServerEvents>;

export interface SfuTestClient {
  socket: SfuClientSocket;
  /** Sends any event with any payload and resolves with the ack (rejects after timeoutMs without one). */
  request<T = unknown>(event: string, data?: unknown, timeoutMs?: number): Promise<Ack<T>>;
  /** Resolves with the data of the next `event`. */
  next<E extends keyof SfuServerToClientEvents>(event: E, timeoutMs?: number): Promise<Parameters<SfuServerToClientEvents[E]>[0]>;
  close(): void;
}

/** Connects to /sfu; rejects with the server's refusal payload (connect_error data) if refused. */
export async function connectSfuClient(url: string, auth: Record<string, unknown>): Promise<SfuTestClient> {
  const socket: SfuClientSocket = ioClient(`${url}${SFU_NAMESPACE}`, { transports: ['websocket'], auth, reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', (error: Error & { data?: ErrorPayload }) => {
      socket.close();
      reject(Object.assign(new Error(error.message), { data: error.data }));
    });
  });
  const untyped = socket as unknown as ClientSocket;
  return {
    socket,
    request: <T>(event: string, data?: unknown, timeoutMs = 5_000) =>
      new Promise<Ack<T>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ack for ${event} within ${timeoutMs} ms`)), timeoutMs);
        const ack = (reply: Ack<T>) => {
          clearTimeout(timer);
          resolve(reply);
        };
        if (data === undefined) untyped.emit(event, ack);
        else untyped.emit(event, data, ack);
      }),
    next: (event, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
        untyped.once(event as string, (payload: Parameters<SfuServerToClientEvents[typeof event]>[0]) => {
          clearTimeout(timer);
          resolve(payload);
        });
      }),
    close: () => socket.close(),
  };
}

/** The SFU's MediaTap behind a fork (the analyzer sees only the Tap interface; tests look at the transport). */
export function sfuTapOf(fork: { tap: Tap }): MediaTap {
  if (!(fork.tap instanceof MediaTap)) throw new Error('the fork was not opened from an SFU tap offer');
  return fork.tap;
}
