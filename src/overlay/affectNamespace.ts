// socket.io /affect: read-only AffectEvents of the one room named by the client's overlay, dashboard or admin token.
// Events travel through socket.io rooms, so the Redis adapter can later spread them across server nodes.
import type { Namespace } from 'socket.io';
import type { AffectClientToServerEvents, AffectServerToClientEvents } from '../contracts/overlay.js';
import type { FailureLimiter } from '../auth/FailureLimiter.js';
import type { TokenIssuer } from '../auth/tokens.js';
import type { Logger } from '../log/logger.js';
import { requireToken, type AuthedSocketData } from '../auth/socketAuth.js';
import type { AffectHub } from './AffectHub.js';

export type AffectNamespace = Namespace<AffectClientToServerEvents, AffectServerToClientEvents, Record<string, never>, AuthedSocketData>;

const channel = (roomId: string): string => `room:${roomId}`;

/** Wires the hub into the namespace; returns a function that unwires it. */
export function attachAffectNamespace(
  namespace: AffectNamespace,
  hub: AffectHub,
  tokens: TokenIssuer,
  logger: Logger,
  failures?: FailureLimiter,
): () => void {
  const log = logger.child({ component: 'affect-namespace' });
  requireToken(namespace, tokens, ['overlay', 'dashboard', 'admin'], log, failures);

  namespace.on('connection', (socket) => {
    const { room } = socket.data.claims;
    void socket.join(channel(room));
    socket.emit('roomState', hub.state(room));
    // Read-only: whatever a client sends is answered (when it waits for an answer) and otherwise ignored.
    socket.onAny((...args: unknown[]) => {
      const ack = args.at(-1);
      if (typeof ack === 'function') ack({ ok: false, error: { code: 'UNKNOWN_REQUEST', message: 'this namespace takes no requests' } });
    });
    log.debug({ room, socketId: socket.id }, 'affect client connected');
  });

  const onAffect = (event: Parameters<AffectServerToClientEvents['affect']>[0]): void => {
    namespace.to(channel(event.roomId)).emit('affect', event);
  };
  const onRoomState = (state: Parameters<AffectServerToClientEvents['roomState']>[0]): void => {
    namespace.to(channel(state.roomId)).emit('roomState', state);
  };
  const onStreamEnded = ({ roomId, ...ended }: Parameters<AffectHub['streamEnded']>[1] & { roomId: string }): void => {
    namespace.to(channel(roomId)).emit('streamEnded', ended);
  };
  hub.on('affect', onAffect);
  hub.on('roomstate', onRoomState);
  hub.on('streamended', onStreamEnded);
  return () => {
    hub.off('affect', onAffect);
    hub.off('roomstate', onRoomState);
    hub.off('streamended', onStreamEnded);
  };
}
