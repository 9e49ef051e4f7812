// socket.io namespace middleware: admits a connection only with a valid token of an allowed scope, and keeps
// the token's claims on socket.data. A refusal reaches the client as connect_error with data.code.
import type { Namespace, Socket } from 'socket.io';
import { AffectcastError, type ErrorPayload } from '../contracts/errors.js';
import type { FailureLimiter } from '../auth/FailureLimiter.js';
import type { TokenClaims, TokenIssuer, TokenScope } from '../auth/tokens.js';
import type { Logger } from '../log/logger.js';

export interface AuthedSocketData {
  claims: TokenClaims;
}

export class ConnectRefusal extends Error {
  readonly data: ErrorPayload;

  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.data = payload;
  }
}

export function requireToken(
  namespace: Namespace,
  tokens: TokenIssuer,
  scopes: readonly TokenScope[],
  logger: Logger,
  /** Counts refusals per address; an address over its limit is refused with RATE_LIMITED. */
  failures?: FailureLimiter,
): void {
  namespace.use((socket: Socket, next) => {
    const auth: unknown = socket.handshake.auth;
    const token = typeof auth === 'object' && auth !== null ? (auth as Record<string, unknown>).token : undefined;
    try {
      if (failures?.blocked(socket.handshake.address)) throw new AffectcastError('RATE_LIMITED');
      (socket.data as AuthedSocketData).claims = tokens.verify(token, scopes);
      next();
    } catch (error) {
      if (!(error instanceof AffectcastError && error.code === 'RATE_LIMITED')) failures?.fail(socket.handshake.address);
      const payload =
        error instanceof AffectcastError ? error.toPayload() : { code: 'INTERNAL' as const, message: 'internal error' };
      logger.info({ namespace: namespace.name, code: payload.code, address: socket.handshake.address }, 'connection refused');
      next(new ConnectRefusal(payload));
    }
  });
}
