// Room-scoped capability tokens: `ac1.<claims>.<mac>`, base64url, HMAC-SHA256 over "ac1.<claims>".
// A token names one room and one scope and expires; nothing else is needed to check it, so any server
// holding the secret can admit a client (and scale-out needs no shared session store).
import crypto from 'node:crypto';
import { z } from 'zod';
import { AffectcastError } from '../contracts/errors.js';

export const TOKEN_SCOPES = ['meeting', 'overlay', 'dashboard'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const ClaimsSchema = z.object({
  room: z.string().min(1),
  scope: z.enum(TOKEN_SCOPES),
  /** Expiry, seconds since epoch. */
  exp: z.number().int(),
  /** Random id, so two tokens issued in the same second differ (and can be revoked later). */
  jti: z.string().min(8),
});
export type TokenClaims = z.infer<typeof ClaimsSchema>;

const PREFIX = 'ac1';

function mac(secret: string, body: string): Buffer {
  return crypto.createHmac('sha256', secret).update(`${PREFIX}.${body}`).digest();
}

export class TokenIssuer {
  readonly #secret: string;

  constructor(secret: string) {
    if (secret.length < 32) throw new AffectcastError('CONFIG_INVALID', 'the token secret needs at least 32 characters');
    this.#secret = secret;
  }

  issue(room: string, scope: TokenScope, ttlMs: number, now: number = Date.now()): string {
    const claims: TokenClaims = {
      room,
      scope,
      exp: Math.floor((now + ttlMs) / 1000),
      jti: crypto.randomBytes(9).toString('base64url'),
    };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${PREFIX}.${body}.${mac(this.#secret, body).toString('base64url')}`;
  }

  /**
   * Returns the claims of a genuine, unexpired token that grants one of `scopes` (and `room`, when given).
   * Throws UNAUTHORIZED for a missing, forged or expired token and FORBIDDEN for a genuine one that does not fit.
   */
  verify(token: unknown, scopes: readonly TokenScope[], room?: string, now: number = Date.now()): TokenClaims {
    if (typeof token !== 'string' || token.length === 0) throw new AffectcastError('UNAUTHORIZED', 'a token is required');
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
    if (!scopes.includes(claims.scope)) throw new AffectcastError('FORBIDDEN', `a ${claims.scope} token does not grant this`);
    if (room !== undefined && claims.room !== room) throw new AffectcastError('FORBIDDEN', 'the token is for another room');
    return claims;
  }
}
