// Per-room fan-out of AffectEvents: remembers the latest event of every live stream and the participants,
// so that a client that (re)connects sees the present at once, and forwards every change to subscribers
// (the /affect namespace; later the recorder). Knows nothing of socket.io.
import type { AffectEvent } from '../contracts/affect.js';
import type { AffectSink } from '../contracts/sink.js';
import type { Participant, RoomState, StreamEnded } from '../contracts/overlay.js';
import { EnhancedEventEmitter } from '../events/EnhancedEventEmitter.js';

export type AffectHubEvents = {
  affect: [event: AffectEvent];
  roomstate: [state: RoomState];
  streamended: [event: StreamEnded & { roomId: string }];
};

interface RoomEntry {
  participants: Map<string, Participant>;
  /** producerId → latest event of that stream. */
  latest: Map<string, AffectEvent>;
}

export class AffectHub extends EnhancedEventEmitter<AffectHubEvents> implements AffectSink {
  readonly #rooms = new Map<string, RoomEntry>();
  /** When set, events it refuses are dropped (e.g. of a participant who just withdrew consent, still in flight). */
  admit: ((event: AffectEvent) => boolean) | undefined;

  #room(roomId: string): RoomEntry {
    let entry = this.#rooms.get(roomId);
    if (!entry) {
      entry = { participants: new Map(), latest: new Map() };
      this.#rooms.set(roomId, entry);
    }
    return entry;
  }

  state(roomId: string): RoomState {
    const entry = this.#rooms.get(roomId);
    return {
      roomId,
      participants: entry ? [...entry.participants.values()] : [],
      latest: entry ? [...entry.latest.values()] : [],
    };
  }

  publish(event: AffectEvent): void {
    if (this.admit && !this.admit(event)) return;
    this.#room(event.roomId).latest.set(event.producerId, event);
    this.safeEmit('affect', event);
  }

  participantJoined(roomId: string, participant: Participant): void {
    this.#room(roomId).participants.set(participant.peerId, participant);
    this.safeEmit('roomstate', this.state(roomId));
  }

  participantLeft(roomId: string, peerId: string): void {
    const entry = this.#rooms.get(roomId);
    if (!entry) return;
    entry.participants.delete(peerId);
    for (const [producerId, event] of entry.latest) if (event.peerId === peerId) entry.latest.delete(producerId);
    this.#forgetIfEmpty(roomId, entry);
    this.safeEmit('roomstate', this.state(roomId));
  }

  /** A stream that published nothing ends silently, unless its analysis failed: that is always told. */
  streamEnded(roomId: string, ended: StreamEnded): void {
    const entry = this.#rooms.get(roomId);
    const hadEvents = entry?.latest.delete(ended.producerId) ?? false;
    if (entry) this.#forgetIfEmpty(roomId, entry);
    if (hadEvents || ended.cause === 'failed') this.safeEmit('streamended', { roomId, ...ended });
  }

  roomClosed(roomId: string): void {
    if (!this.#rooms.delete(roomId)) return;
    this.safeEmit('roomstate', this.state(roomId));
  }

  #forgetIfEmpty(roomId: string, entry: RoomEntry): void {
    if (entry.participants.size === 0 && entry.latest.size === 0) this.#rooms.delete(roomId);
  }
}
