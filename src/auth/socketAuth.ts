// socket.io namespace middleware: admits a connection only with a valid token of an allowed scope, keeps the
// token's claims on socket.data, and disconnects the socket when its token expires (a token is a lease, not a
// ticket checked once). A refusal reaches the client as connect_error with data.code; an expiry as a
// `closing` notice just before the disconnect.
import type { Namespace, Socket } from 'socket.io';
import { AffectcastError, type ErrorPayload } from '../contracts/errors.js';
import type { FailureLimiter } from './FailureLimiter.js';
import type { TokenClaims, TokenIssuer, TokenScope } from './tokens.js';
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

/** setTimeout fires at once for delays above 2^31 - 1 ms (~24.8 days): longer leases are re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Tells the client why, then disconnects it (the notice is sent before the close frame). */
export function closeWithNotice(socket: Socket, notice: ErrorPayload): void {
  if (!socket.connected) return;
  socket.emit('closing', notice);
  socket.disconnect(true);
}

function disconnectAtExpiry(socket: Socket, expiresAtMs: number, logger: Logger): void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = expiresAtMs - Date.now();
    if (left <= 0) {
      logger.info({ socketId: socket.id }, 'token expired: disconnecting');
      closeWithNotice(socket, { code: 'UNAUTHORIZED', message: 'token expired' });
      return;
    }
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  socket.once('disconnect', () => clearTimeout(timer));
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
    let claims: TokenClaims;
    try {
      if (failures?.blocked(socket.handshake.address)) throw new AffectcastError('RATE_LIMITED');
      claims = tokens.verify(token, scopes);
    } catch (error) {
      if (!(error instanceof AffectcastError && error.code === 'RATE_LIMITED')) failures?.fail(socket.handshake.address);
      const payload =
        error instanceof AffectcastError ? error.toPayload() : { code: 'INTERNAL' as const, message: 'internal error' };
      logger.info({ namespace: namespace.name, code: payload.code, address: socket.handshake.address }, 'connection refused');
      next(new ConnectRefusal(payload));
      return;
    }
    (socket.data as AuthedSocketData).claims = claims;
    disconnectAtExpiry(socket, claims.exp * 1000, logger);
    next();
  });
}

/**
 * The default namespace serves nothing: every page talks to /sfu or /affect. Refusing it means a client that
 * opens a bare connection holds it only until socket.io's connect timeout, not for as long as it likes.
 */
export function refuseNamespace(namespace: Namespace): void {
  namespace.use((_socket, next) => next(new ConnectRefusal({ code: 'NOT_FOUND', message: `nothing is served on ${namespace.name}` })));
}
