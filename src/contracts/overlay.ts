// The /affect namespace: read-only affect events for one room, for OBS overlays and dashboards.
import type { AffectEvent } from './affect.js';

export const AFFECT_NAMESPACE = '/affect';

export interface Participant {
  peerId: string;
  displayName: string;
}

/** Sent on connect and whenever the room's participants change, so a reloaded page shows the present at once. */
export interface RoomState {
  roomId: string;
  participants: Participant[];
  /** The latest event of every analysed video stream that is still live. */
  latest: AffectEvent[];
}

export interface AffectServerToClientEvents {
  roomState: (state: RoomState) => void;
  affect: (event: AffectEvent) => void;
  streamEnded: (event: { peerId: string; producerId: string }) => void;
}

// No client → server events yet: the namespace is read-only.
export type AffectClientToServerEvents = Record<string, never>;
