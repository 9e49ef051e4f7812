// The REST API under /api: per-IP rate limit (@fastify/rate-limit), only the server's own origin (and the
// configured ones) may call it from a browser, JSON errors `{ code, message }` with the catalogue's codes.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { AffectcastError } from '../../contracts/errors.js';
import { sendError, STATUS_OF } from './httpAuth.js';
import { registerRoomRoutes, type RoomRouteDeps } from './roomRoutes.js';
import { registerTokenRoutes, type TokenRouteDeps } from './tokenRoutes.js';

export interface ApiDeps extends RoomRouteDeps, Omit<TokenRouteDeps, 'auth' | 'minter'> {
  rateLimitPerMinute: number;
  originAllowed: (origin: string | undefined, host: string | undefined) => boolean;
}

function toAffectcastError(error: FastifyError): AffectcastError {
  if (error instanceof AffectcastError) return error;
  const status = error.statusCode ?? 500;
  if (status === 429) return new AffectcastError('RATE_LIMITED');
  if (status === 413) return new AffectcastError('BAD_REQUEST', 'body: too large');
  if (status >= 400 && status < 500) return new AffectcastError('BAD_REQUEST', `body: ${error.message}`);
  return new AffectcastError('INTERNAL');
}

export async function registerApi(http: FastifyInstance, deps: ApiDeps): Promise<void> {
  await http.register(
    async (api) => {
      api.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
        const origin = req.headers.origin;
        if (!deps.originAllowed(origin, req.headers.host)) throw new AffectcastError('FORBIDDEN', 'origin: this origin may not call the API');
        if (origin === undefined || sameHost(origin, req.headers.host)) return;
        // A configured other origin: CORS headers, and preflights answered here.
        reply.header('access-control-allow-origin', origin).header('vary', 'origin');
        if (req.method === 'OPTIONS') {
          await reply
            .code(204)
            .header('access-control-allow-methods', 'GET, POST, PUT, DELETE')
            .header('access-control-allow-headers', 'authorization, content-type')
            .header('access-control-max-age', '600')
            .send();
        }
      });
      await api.register(rateLimit, {
        global: true,
        max: deps.rateLimitPerMinute,
        timeWindow: 60_000,
        errorResponseBuilder: (_req, context) => Object.assign(new Error(`rate limited: retry in ${context.after}`), { statusCode: 429 }),
      });
      // JSON bodies up to 64 KiB; an empty body (a bare POST with a JSON content type) is no body at all.
      api.removeContentTypeParser('application/json');
      api.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
        const text = typeof body === 'string' ? body : body.toString('utf8');
        if (text.trim() === '') return done(null, undefined);
        try {
          done(null, JSON.parse(text) as unknown);
        } catch (error) {
          done(Object.assign(new Error(`not JSON (${(error as Error).message})`), { statusCode: 400 }), undefined);
        }
      });
      api.setErrorHandler((error: FastifyError, req, reply) => {
        const failure = toAffectcastError(error);
        if ((STATUS_OF[failure.code] ?? 500) >= 500) req.log.error({ err: error, url: req.url }, 'api request failed');
        return sendError(reply, failure);
      });
      api.setNotFoundHandler((_req, reply) => sendError(reply, new AffectcastError('NOT_FOUND', 'no such route')));
      registerRoomRoutes(api, deps);
      registerTokenRoutes(api, { auth: deps.auth, store: deps.store, minter: deps.minter, disconnect: deps.disconnect });
    },
    { prefix: '/api' },
  );
}

/** The server's own origin (as the browser reached it, Host header) and the configured ones; no Origin = not a browser page. */
export function originPolicy(allowed: readonly string[], publicUrl: string | undefined): ApiDeps['originAllowed'] {
  const fixed = new Set([...allowed, ...(publicUrl ? [publicUrl] : [])].map((u) => new URL(u).origin));
  return (origin, host) => origin === undefined || fixed.has(origin) || sameHost(origin, host);
}

/** The page that sends the request was served by this server (its origin is the Host it asked). */
function sameHost(origin: string, host: string | undefined): boolean {
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}
