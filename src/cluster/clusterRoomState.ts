// What an overlay or dashboard gets on connect, across nodes. A room's media (its participants, their latest
// events) lives on the node that holds its SFU room; a client on another node would see an empty room until
// the next change. So each node, when an /affect client connects, asks the others (a server-side emit); a node
// holding that room answers by sending its state to that one socket, through the adapter. Live changes need
// nothing more: every node's `roomState` broadcasts already reach every node's clients.
import type { Namespace } from 'socket.io';
import { z } from 'zod';
import type { RoomState } from '../contracts/overlay.js';

const REQUEST = 'affectcast:roomstate';
const Request = z.object({ room: z.string().min(1).max(64), socketId: z.string().min(1).max(64) }).strict();

/** Returns the function that unwires it. */
export function shareRoomState(affect: Namespace, roomState: (room: string) => RoomState): () => void {
  const onConnection = (socket: { id: string; data: { claims?: { room?: string } } }) => {
    const room = socket.data.claims?.room;
    // Fire and forget: while Redis is away this fails quietly and the client has this node's state.
    if (room) affect.serverSideEmit(REQUEST, { room, socketId: socket.id });
  };
  const onRequest = (request: unknown) => {
    const parsed = Request.safeParse(request);
    if (!parsed.success) return;
    const state = roomState(parsed.data.room);
    if (state.participants.length > 0 || state.latest.length > 0) affect.to(parsed.data.socketId).emit('roomState', state);
  };
  affect.on('connection', onConnection);
  affect.on(REQUEST, onRequest);
  return () => {
    affect.off('connection', onConnection);
    affect.off(REQUEST, onRequest);
  };
}
