// Read-only socket.io connections shared by the overlay and the dashboard (/affect, and /session for the
// dashboard): typed from the same contracts the server uses, token in the handshake, automatic reconnection
// (the server resends its state on each connect).
import { io, type Socket } from 'socket.io-client';
import type { AffectClientToServerEvents, AffectServerToClientEvents } from '../../contracts/overlay.js';
import { AFFECT_NAMESPACE } from '../../contracts/overlay.js';

export type AffectSocket = Socket<AffectServerToClientEvents, AffectClientToServerEvents>;

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'refused';

// socket.io's own EventsMap shape: an `any` index signature is what lets interfaces of named events fit.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEvents = Record<string, any>;

export function connectNamespace<S extends AnyEvents, C extends AnyEvents>(
  namespace: string,
  token: string,
  onState: (state: ConnectionState, detail?: string) => void,
): Socket<S, C> {
  const socket = io(namespace, {
    transports: ['websocket'],
    auth: { token },
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  }) as unknown as Socket<S, C>;
  onState('connecting');
  socket.on('connect', () => onState('live'));
  socket.on('disconnect', (reason) => {
    onState('reconnecting');
    // socket.io retries by itself after a network loss, but not after the server closed the connection
    // (a restart or deploy): retry that too; a token that stopped working is refused and stops it.
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1000);
  });
  socket.on('connect_error', (error: Error & { data?: { code?: string; message?: string } }) => {
    // A refused token will not start working by retrying: stop and say so.
    const code = error.data?.code;
    if (code === 'UNAUTHORIZED' || code === 'FORBIDDEN') {
      socket.disconnect();
      onState('refused', error.data?.message ?? error.message);
    } else {
      onState('reconnecting', error.message);
    }
  });
  return socket;
}

export function connectAffect(token: string, onState: (state: ConnectionState, detail?: string) => void): AffectSocket {
  return connectNamespace<AffectServerToClientEvents, AffectClientToServerEvents>(AFFECT_NAMESPACE, token, onState);
}
