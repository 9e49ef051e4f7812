// The browser pages and their bundles. A page is served only with a token that grants it, so a guessed
// room name shows nothing; the page then presents the same token to socket.io, which checks it again.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { PROJECT_ROOT } from '../config/schema.js';
import { AffectcastError } from '../contracts/errors.js';
import type { FailureLimiter } from '../auth/FailureLimiter.js';
import type { TokenIssuer, TokenScope } from '../auth/tokens.js';

const ROOM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Security headers for every page: no referrer (tokens live in URLs), same-origin everything, no caching. */
/** No inline scripts or styles, no framing: every response (helmet) and every page but the overlay. */
export const CONTENT_SECURITY_POLICY: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'media-src': ["'self'", 'blob:'],
  'connect-src': ["'self'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

const cspHeader = (policy: Record<string, string[]>): string =>
  Object.entries(policy)
    .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
    .join('; ');

const PAGE_HEADERS = {
  'content-security-policy': cspHeader(CONTENT_SECURITY_POLICY),
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

/** The overlay may be framed by this origin's pages (the dashboard's live preview); OBS loads it top-level. */
const OVERLAY_HEADERS = {
  ...PAGE_HEADERS,
  'content-security-policy': cspHeader({ ...CONTENT_SECURITY_POLICY, 'frame-ancestors': ["'self'"] }),
  'x-frame-options': 'SAMEORIGIN',
} as const;

/**
 * ffmpeg.wasm for the dashboard's recording analysis, served from this origin (never a CDN): @ffmpeg/ffmpeg's
 * worker and the modules it imports, and @ffmpeg/core's glue and wasm. Fixed names; nothing else is served.
 */
const FFMPEG_FILES: Record<string, string> = {
  'worker.js': '@ffmpeg/ffmpeg/dist/esm/worker.js',
  'const.js': '@ffmpeg/ffmpeg/dist/esm/const.js',
  'errors.js': '@ffmpeg/ffmpeg/dist/esm/errors.js',
  'ffmpeg-core.js': '@ffmpeg/core/dist/esm/ffmpeg-core.js',
  'ffmpeg-core.wasm': '@ffmpeg/core/dist/esm/ffmpeg-core.wasm',
};

/** The worker compiles ffmpeg's wasm: its own policy (a worker's CSP is its script's) allows that and nothing more. */
const FFMPEG_WORKER_CSP = cspHeader({ ...CONTENT_SECURITY_POLICY, 'script-src': ["'self'", "'wasm-unsafe-eval'"] });

const CONTENT_TYPES: Record<string, string> = {
  '.wasm': 'application/wasm',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const PageQuery = z.object({ token: z.string().optional(), room: z.string().regex(ROOM_NAME).optional() });

function refusal(reply: FastifyReply, status: 400 | 401 | 403 | 429, message: string): FastifyReply {
  return reply
    .code(status)
    .headers(PAGE_HEADERS)
    .type('text/html; charset=utf-8')
    .send(`<!doctype html><meta charset="utf-8"><title>affectcast</title><p>${message}</p>\n`);
}

export function registerPages(app: FastifyInstance, tokens: TokenIssuer, webDir: string, failures?: FailureLimiter): void {
  const page = (name: string): Buffer => {
    const file = path.join(webDir, `${name}.html`);
    if (!fs.existsSync(file)) throw new AffectcastError('INTERNAL', `${file} is missing: run the build (npm start does)`);
    return fs.readFileSync(file);
  };
  // Read once: pages are small and immutable for the life of the process.
  const html = { meeting: page('meeting'), overlay: page('overlay'), dashboard: page('dashboard') };

  const serve = (
    reply: FastifyReply,
    query: unknown,
    room: string | undefined,
    scopes: readonly TokenScope[],
    body: Buffer,
    headers: Record<string, string> = PAGE_HEADERS,
  ) => {
    const parsed = PageQuery.safeParse(query);
    const roomId = room ?? (parsed.success ? parsed.data.room : undefined);
    if (!parsed.success || !roomId || !ROOM_NAME.test(roomId)) return refusal(reply, 400, 'This link is malformed: it needs a room.');
    const address = reply.request.ip;
    if (failures?.blocked(address)) return refusal(reply, 429, 'Too many refused links from this address: wait a minute and retry.');
    try {
      tokens.verify(parsed.data.token, scopes, roomId);
    } catch (error) {
      failures?.fail(address);
      const code = error instanceof AffectcastError ? error.code : 'INTERNAL';
      return code === 'FORBIDDEN'
        ? refusal(reply, 403, 'This link does not grant this page or room.')
        : refusal(reply, 401, 'This link needs a valid, unexpired token. Ask the host for a new link.');
    }
    return reply.headers(headers).type('text/html; charset=utf-8').send(body);
  };

  app.get<{ Params: { name: string } }>('/room/:name', (req, reply) =>
    serve(reply, req.query, req.params.name, ['publish'], html.meeting),
  );
  app.get('/overlay', (req, reply) => serve(reply, req.query, undefined, ['overlay'], html.overlay, OVERLAY_HEADERS));
  app.get('/dashboard', (req, reply) => serve(reply, req.query, undefined, ['dashboard', 'admin'], html.dashboard));

  const assetsDir = path.join(webDir, 'assets');
  app.get<{ Params: { file: string } }>('/assets/:file', (req, reply) => {
    const { file } = req.params;
    const type = CONTENT_TYPES[path.extname(file)];
    // Names are flat and fixed by the bundler: anything else (.., slashes, other types) is simply not found.
    if (!type || !/^[a-z0-9-]+(\.[a-z0-9]+)?\.(js|css|map)$/.test(file)) return reply.code(404).send();
    const full = path.join(assetsDir, file);
    if (!fs.existsSync(full)) return reply.code(404).send();
    return reply.type(type).header('cache-control', 'no-cache').send(fs.createReadStream(full));
  });
  const modules = path.join(PROJECT_ROOT, 'node_modules');
  app.get<{ Params: { file: string } }>('/vendor/ffmpeg/:file', (req, reply) => {
    const source = Object.hasOwn(FFMPEG_FILES, req.params.file) ? FFMPEG_FILES[req.params.file] : undefined;
    if (!source) return reply.code(404).send();
    const full = path.join(modules, source);
    return reply
      .type(CONTENT_TYPES[path.extname(full)] ?? 'application/octet-stream')
      .header('content-security-policy', FFMPEG_WORKER_CSP)
      .header('cache-control', 'max-age=86400')
      .send(fs.createReadStream(full));
  });
  app.get('/favicon.ico', (_req, reply) => reply.code(204).send());
}
