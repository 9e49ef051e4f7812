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
  socket.on('disconnect', () => onState('reconnecting'));
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
