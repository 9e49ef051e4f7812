// Room-scoped capability tokens: `ac1.<claims>.<mac>`, base64url, HMAC-SHA256 over "ac1.<claims>".
// A token names one room and one role and expires; a signature check and a lookup of its id in the
// revocation list (SQLite, shared by every process of this data directory) is all it takes to admit a client.
//
// Tokens minted before roles existed carry `scope: meeting|overlay|dashboard`; they keep working
// (meeting = publish) until they expire, and can be revoked by id like any other.
import crypto from 'node:crypto';
import { z } from 'zod';
import { AffectcastError } from '../contracts/errors.js';
import { TOKEN_ROLES, type TokenRole } from '../contracts/roles.js';

export { TOKEN_ROLES, type TokenRole };
/** A role, or the legacy name of publish ('meeting'), accepted wherever a role is named. */
export type TokenScope = TokenRole | 'meeting';

const normalise = (role: TokenScope): TokenRole => (role === 'meeting' ? 'publish' : role);

const ClaimsSchema = z.union([
  z.object({ room: z.string().min(1), role: z.enum(TOKEN_ROLES), exp: z.number().int(), jti: z.string().min(8) }),
  z
    .object({ room: z.string().min(1), scope: z.enum(['meeting', 'overlay', 'dashboard']), exp: z.number().int(), jti: z.string().min(8) })
    .transform(({ scope, ...rest }) => ({ ...rest, role: normalise(scope) })),
]);

export interface TokenClaims {
  room: string;
  role: TokenRole;
  /** Expiry, seconds since epoch. */
  exp: number;
  /** Random id, so two tokens issued in the same second differ, and so a token can be revoked. */
  jti: string;
}

/** Where revoked token ids live (the store); absent in tests of the SFU alone. */
export interface RevocationList {
  isRevoked(tokenId: string): boolean;
}

const PREFIX = 'ac1';

function mac(secret: string, body: string): Buffer {
  return crypto.createHmac('sha256', secret).update(`${PREFIX}.${body}`).digest();
}

export class TokenIssuer {
  readonly #secret: string;
  #revocations: RevocationList | undefined;

  constructor(secret: string, revocations?: RevocationList) {
    if (secret.length < 32) throw new AffectcastError('CONFIG_INVALID', 'the token secret needs at least 32 characters');
    this.#secret = secret;
    this.#revocations = revocations;
  }

  /** Connects the revocation list once the store is open. */
  useRevocations(revocations: RevocationList): void {
    this.#revocations = revocations;
  }

  /** A new token; its claims (id and expiry) via `mint`. */
  issue(room: string, role: TokenScope, ttlMs: number, now: number = Date.now()): string {
    return this.mint(room, role, ttlMs, now).token;
  }

  mint(room: string, role: TokenScope, ttlMs: number, now: number = Date.now()): { token: string; claims: TokenClaims } {
    const claims: TokenClaims = {
      room,
      role: normalise(role),
      exp: Math.floor((now + ttlMs) / 1000),
      // hex: an id is typed on command lines (`affectcast token revoke ID`), where a leading '-' reads as an option
      jti: crypto.randomBytes(9).toString('hex'),
    };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { token: `${PREFIX}.${body}.${mac(this.#secret, body).toString('base64url')}`, claims };
  }

  /**
   * Returns the claims of a genuine, unexpired, unrevoked token that grants one of `roles` (and `room`, when
   * given). Throws UNAUTHORIZED for a missing, forged, expired or revoked token and FORBIDDEN for a genuine
   * one that does not fit.
   */
  verify(token: unknown, roles: readonly TokenScope[], room?: string, now: number = Date.now()): TokenClaims {
    if (typeof token !== 'string' || token.length === 0) throw new AffectcastError('UNAUTHORIZED', 'a token is required');
    if (token.length > 2048) throw new AffectcastError('UNAUTHORIZED', 'malformed token');
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== PREFIX) throw new AffectcastError('UNAUTHORIZED', 'malformed token');
    const [, body = '', signature = ''] = parts;
    const expected = mac(this.#secret, body);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
      throw new AffectcastError('UNAUTHORIZED', 'invalid token');
    }
    let claims: TokenClaims;
    try {
      claims = ClaimsSchema.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      throw new AffectcastError('UNAUTHORIZED', 'malformed token');
    }
    if (claims.exp * 1000 <= now) throw new AffectcastError('UNAUTHORIZED', 'token expired');
    if (this.#revocations?.isRevoked(claims.jti)) throw new AffectcastError('UNAUTHORIZED', 'token revoked');
    if (!roles.map(normalise).includes(claims.role)) throw new AffectcastError('FORBIDDEN', `a ${claims.role} token does not grant this`);
    if (room !== undefined && claims.room !== room) throw new AffectcastError('FORBIDDEN', 'the token is for another room');
    return claims;
  }
}
