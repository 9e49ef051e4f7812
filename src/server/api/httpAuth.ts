// Token checks for REST routes: the token comes from `Authorization: Bearer …` or, for download links,
// `?token=`. Refusals are counted per IP (FailureLimiter); an IP over the limit gets 429 RATE_LIMITED.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AffectcastError, type ErrorCode } from '../../contracts/errors.js';
import type { FailureLimiter } from '../../auth/FailureLimiter.js';
import type { TokenClaims, TokenIssuer, TokenScope } from '../../auth/tokens.js';

export const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  PURPOSE_REFUSED: 403,
  CONSENT_REQUIRED: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  ROOM_CLOSED: 503,
};

export function tokenOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice(7).trim();
  const query = req.query as Record<string, unknown> | undefined;
  return typeof query?.token === 'string' ? query.token : undefined;
}

export class HttpAuth {
  readonly #tokens: TokenIssuer;
  readonly #failures: FailureLimiter;

  constructor(tokens: TokenIssuer, failures: FailureLimiter) {
    this.#tokens = tokens;
    this.#failures = failures;
  }

  /** The claims of the request's token, if it grants one of `roles` for `room` (any room when undefined). */
  check(req: FastifyRequest, roles: readonly TokenScope[], room: string | undefined): TokenClaims {
    if (this.#failures.blocked(req.ip)) throw new AffectcastError('RATE_LIMITED');
    try {
      return this.#tokens.verify(tokenOf(req), roles, room);
    } catch (error) {
      this.#failures.fail(req.ip);
      throw error;
    }
  }
}

/** Sends an error as `{ code, message }` with its HTTP status. */
export function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  const payload =
    error instanceof AffectcastError ? error.toPayload() : { code: 'INTERNAL' as const, message: 'internal error' };
  return reply.code(STATUS_OF[payload.code] ?? 500).header('cache-control', 'no-store').send(payload);
}
