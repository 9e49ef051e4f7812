// The composition root's small wires between parts that do not know each other.
import type { ForkManager } from '../analyzer/fork/ForkManager.js';
import type { TapOffer } from '../contracts/taps.js';
import type { AffectHub } from '../overlay/AffectHub.js';
import type { Room } from '../sfu/Room.js';
import type { RoomRegistry } from '../sfu/RoomRegistry.js';
import type { SfuNamespace } from '../sfu/signalling/attachSfuNamespace.js';
import { peerChannel } from '../sfu/signalling/SfuSession.js';

/** A live stream that is not analysed (failed, or no free decoder) is told to its publisher and to the room's pages. */
export function wireUnanalysed(forks: ForkManager, hub: AffectHub, sfu: SfuNamespace): () => void {
  const onUnanalysed = (offer: TapOffer, reason: string) => {
    sfu.to(peerChannel(offer.peerId)).emit('analysisStopped', { producerId: offer.producerId, reason });
    hub.streamEnded(offer.roomId, { peerId: offer.peerId, producerId: offer.producerId, cause: 'failed', reason });
  };
  forks.observer.on('unanalysed', onUnanalysed);
  return () => forks.observer.off('unanalysed', onUnanalysed);
}

/** Keeps the hub's participant list in step with the SFU's peers. */
export function wireParticipants(rooms: RoomRegistry, hub: AffectHub): () => void {
  const onRoom = (room: Room) => {
    room.observer.on('newpeer', (peer) => hub.participantJoined(room.id, { peerId: peer.id, displayName: peer.displayName }));
    room.observer.on('peerclosed', (peer) => hub.participantLeft(room.id, peer.id));
    room.observer.once('close', () => hub.roomClosed(room.id));
  };
  rooms.observer.on('newroom', onRoom);
  return () => rooms.observer.off('newroom', onRoom);
}
