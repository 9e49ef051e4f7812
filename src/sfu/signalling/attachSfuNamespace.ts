// socket.io namespace /sfu: a connection needs a `publish` token; the room is the token's. If the client also
// names a room in its handshake (auth.room, as the meeting page does from its URL), it must be the token's
// room, so a link for one room cannot be used from another room's page. Each socket gets an SfuSession.
import type { Namespace } from 'socket.io';
import type { FailureLimiter } from '../../auth/FailureLimiter.js';
import type { TokenIssuer } from '../../auth/tokens.js';
import type { SfuClientToServerEvents, SfuServerToClientEvents } from '../../contracts/sfu.js';
import type { Logger } from '../../log/logger.js';
import { ConnectRefusal, requireToken, type AuthedSocketData } from '../../auth/socketAuth.js';
import type { RoomRegistry } from '../RoomRegistry.js';
import { SfuSession, roomChannel, type ConsentGate } from './SfuSession.js';
import type { SignallingObserver } from './SignallingObserver.js';

export type SfuNamespace = Namespace<SfuClientToServerEvents, SfuServerToClientEvents, Record<string, never>, AuthedSocketData>;

export interface SfuNamespaceDeps {
  rooms: RoomRegistry;
  tokens: TokenIssuer;
  consent?: ConsentGate | undefined;
  failures?: FailureLimiter | undefined;
  /** Told of every request answered with an error (for monitoring). */
  observer?: SignallingObserver | undefined;
  logger: Logger;
}

/** Wires the namespace; returns detach(), which stops accepting and disconnects this namespace's sockets. */
export function attachSfuNamespace(namespace: SfuNamespace, deps: SfuNamespaceDeps): () => void {
  const log = deps.logger.child({ component: 'sfu-signalling' });
  requireToken(namespace, deps.tokens, ['publish'], log, deps.failures);
  namespace.use((socket, next) => {
    const auth: unknown = socket.handshake.auth;
    const asked = typeof auth === 'object' && auth !== null ? (auth as Record<string, unknown>).room : undefined;
    if (asked !== undefined && asked !== socket.data.claims.room) {
      log.info({ address: socket.handshake.address }, 'connection refused: the token is for another room');
      next(new ConnectRefusal({ code: 'FORBIDDEN', message: 'the token is for another room' }));
      return;
    }
    next();
  });

  let detached = false;
  const broadcast: ConstructorParameters<typeof SfuSession>[1]['broadcast'] = (roomId, exceptSocketId, event, ...args) => {
    namespace.to(roomChannel(roomId)).except(exceptSocketId).emit(event, ...args);
  };
  const onConnection = (socket: Parameters<Parameters<SfuNamespace['on']>[1]>[0]) => {
    if (detached) {
      socket.disconnect(true);
      return;
    }
    // The session lives as long as the socket: it listens to the socket's events and closes on disconnect.
    new SfuSession(socket, { rooms: deps.rooms, consent: deps.consent, observer: deps.observer, logger: log, broadcast });
  };
  namespace.on('connection', onConnection);
  return () => {
    if (detached) return;
    detached = true;
    namespace.off('connection', onConnection);
    namespace.disconnectSockets(true);
  };
}
