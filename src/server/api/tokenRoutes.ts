// Admin token API: mint (POST /api/tokens), list (GET /api/tokens?room=R), revoke (DELETE /api/tokens/:id).
// An admin token of room R manages R's tokens only. A revoked token is refused from then on, by every
// route and socket namespace, and the sockets that were admitted with it are disconnected.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AffectcastError } from '../../contracts/errors.js';
import { MAX_TTL_MS, MintTokenRequestSchema, RoomNameSchema, ttlToMs } from '../../contracts/roles.js';
import type { Store } from '../../store/Store.js';
import { parseOrThrow } from '../../store/validate.js';
import type { HttpAuth } from './httpAuth.js';
import type { TokenMinter } from './TokenMinter.js';

const ListQuery = z.object({ room: RoomNameSchema, token: z.string().optional() }).strict();
const TokenId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'not a token id');

export interface TokenRouteDeps {
  auth: HttpAuth;
  store: Store;
  minter: TokenMinter;
  /** Disconnects every socket admitted with this token id. */
  disconnect: (tokenId: string) => void;
}

export function registerTokenRoutes(api: FastifyInstance, deps: TokenRouteDeps): void {
  const { auth, store, minter } = deps;

  api.post('/tokens', (req, reply) => {
    // The token first: an unauthenticated caller learns nothing about the body's validity.
    const claims = auth.check(req, ['admin'], undefined);
    const body = parseOrThrow(MintTokenRequestSchema, req.body, 'body');
    if (body.room !== claims.room) throw new AffectcastError('FORBIDDEN', 'room: an admin token mints tokens for its own room only');
    const ttlMs = ttlToMs(body.ttl);
    if (ttlMs > MAX_TTL_MS) throw new AffectcastError('BAD_REQUEST', 'ttl: at most 366 days');
    return reply.code(201).send(minter.mint(body.room, body.role, ttlMs, body.label));
  });

  api.get('/tokens', (req) => {
    const claims = auth.check(req, ['admin'], undefined);
    const { room } = parseOrThrow(ListQuery, req.query ?? {}, 'query');
    if (room !== claims.room) throw new AffectcastError('FORBIDDEN', 'room: an admin token lists tokens of its own room only');
    return { tokens: store.tokens(room).map((t) => ({ ...t, expiresAt: new Date(t.expiresAt).toISOString(), issuedAt: new Date(t.issuedAt).toISOString() })) };
  });

  api.delete('/tokens/:id', (req, reply) => {
    const claims = auth.check(req, ['admin'], undefined);
    const id = parseOrThrow(TokenId, (req.params as { id?: unknown }).id, 'id');
    const room = store.tokenRoom(id);
    if (room === undefined) throw new AffectcastError('NOT_FOUND', 'id: no token with this id was minted here');
    if (room !== claims.room) throw new AffectcastError('FORBIDDEN', 'id: the token is for another room');
    store.revokeToken(id);
    deps.disconnect(id);
    return reply.code(204).send();
  });
}
