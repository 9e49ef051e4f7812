// The read-only /affect connection shared by the overlay and the dashboard: typed from the same contract the
// server uses, token in the handshake, automatic reconnection (the server resends the room state each time).
import { io, type Socket } from 'socket.io-client';
import type { AffectClientToServerEvents, AffectServerToClientEvents } from '../../contracts/overlay.js';
import { AFFECT_NAMESPACE } from '../../contracts/overlay.js';

export type AffectSocket = Socket<AffectServerToClientEvents, AffectClientToServerEvents>;

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'refused';

export function connectAffect(token: string, onState: (state: ConnectionState, detail?: string) => void): AffectSocket {
  const socket: AffectSocket = io(AFFECT_NAMESPACE, {
    transports: ['websocket'],
    auth: { token },
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
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
