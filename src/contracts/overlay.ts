// The /affect namespace: read-only affect events for one room, for OBS overlays and dashboards.
import type { AffectEvent } from './affect.js';
import type { ErrorPayload } from './errors.js';

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
  streamEnded: (event: StreamEnded) => void;
  /** Sent just before the server itself disconnects this socket: token expired, server shutting down. */
  closing: (notice: ErrorPayload) => void;
}

/**
 * A stream's analysis ended: 'closed' when its producer or participant went away, 'failed' when the analysis
 * stopped while the stream was still live (its decoder kept failing), with the reason.
 */
export interface StreamEnded {
  peerId: string;
  producerId: string;
  cause: 'closed' | 'failed';
  reason?: string;
}

// No client → server events yet: the namespace is read-only.
export type AffectClientToServerEvents = Record<string, never>;
