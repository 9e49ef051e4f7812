// The HTTP layer's two servers on one port: fastify (pages, REST, health; secure headers on every reply) and
// socket.io on its HTTP server (WebSocket only, other origins refused at the upgrade), plus listen() with
// the failures a user makes turned into one clear error. What is served is registered by the composition root.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import { Server as SocketIoServer } from 'socket.io';
import { AffectcastError } from '../contracts/errors.js';
import type { Logger } from '../log/logger.js';
import { CONTENT_SECURITY_POLICY } from './pages.js';

export interface HttpServer {
  http: FastifyInstance;
  io: SocketIoServer;
}

/** Creates both servers (nothing listens yet); `originAllowed` is the API's origin policy (originPolicy()). */
export function createHttpServer(originAllowed: (origin: string | undefined, host: string | undefined) => boolean, logger: Logger): HttpServer {
  const log = logger.child({ component: 'http' });
  const http: FastifyInstance = Fastify({
    // pino's Logger is what fastify expects at run time; only the generic defaults differ in the types
    loggerInstance: log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
  });
  const io = new SocketIoServer(http.server, {
    serveClient: false,
    transports: ['websocket'],
    cors: { origin: false },
    // A connection that joins no namespace within this time is closed (the default namespace refuses all).
    connectTimeout: 5_000,
    // Signalling messages are a few kB (SDP-sized); anything far larger is an attack on memory.
    maxHttpBufferSize: 256 * 1024,
    // CORS does not cover WebSockets: refuse upgrades from pages of other origins here.
    allowRequest: (request, callback) => {
      const allowed = originAllowed(request.headers.origin, request.headers.host);
      if (!allowed) log.info({ origin: request.headers.origin }, 'socket refused: foreign origin');
      callback(allowed ? null : 'origin not allowed', allowed);
    },
  });
  return { http, io };
}

/** The content security policy and the other secure headers, on every reply. */
export async function secureHeaders(http: FastifyInstance): Promise<void> {
  await http.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
  });
}

/** http.listen, with the failures a user makes (address in use, not on this machine) as one clear error. */
export async function listen(http: FastifyInstance, host: string, port: number): Promise<void> {
  try {
    await http.listen({ host, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${host}:${port}`;
    const hint: Record<string, string> = {
      EADDRINUSE: `${where} is already in use by another program: stop it or choose another --port`,
      EADDRNOTAVAIL: `${host} is not an address of this machine: use one of its addresses (or 0.0.0.0 for all) with --host`,
      ENOTFOUND: `${host} is not a known host name: use an address of this machine with --host`,
      EAI_AGAIN: `${host} could not be resolved: use an address of this machine with --host`,
      EACCES: `no permission to listen on ${where}: ports below 1024 need privileges; choose another --port`,
    };
    const message = (code && hint[code]) ?? `cannot listen on ${where}: ${(error as Error).message}`;
    throw new AffectcastError('LISTEN_FAILED', message, { cause: error });
  }
}

/** The host as it goes into a URL: a wildcard address becomes loopback, an IPv6 address gets brackets. */
export function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
