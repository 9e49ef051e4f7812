// Wires the recording (store, consent, alerts) to the live path: every published AffectEvent is recorded and
// checked against the alert rules; the hub admits only events of consenting peers; a consent granted forks
// the participant's producers, a consent withdrawn closes their forks at once; a room's close ends its
// session. Returns detach().
import type { ForkManager } from '../analyzer/fork/ForkManager.js';
import type { MediaFork } from '../analyzer/fork/MediaFork.js';
import type { AffectEvent } from '../contracts/affect.js';
import type { Logger } from '../log/logger.js';
import type { AffectHub } from '../overlay/AffectHub.js';
import type { Recording } from '../server/Recording.js';
import type { Room } from '../sfu/Room.js';
import type { RoomRegistry } from '../sfu/RoomRegistry.js';

export function wireRecording(recording: Recording, parts: { rooms: RoomRegistry; hub: AffectHub; forks: ForkManager }, logger: Logger): () => void {
  const { rooms, hub, forks } = parts;
  const { recorder, alerts, consents } = recording;
  const log = logger.child({ component: 'recording' });
  const names = new Map<string, string>();
  hub.admit = (event) => consents.isGranted(event.peerId);
  const onAffect = (event: AffectEvent) => {
    recorder.record(event);
    // Only read when a rule fires: the SFU's name, else the hub's participant list.
    alerts.evaluate(event, (peerId) => names.get(peerId) ?? hub.state(event.roomId).participants.find((p) => p.peerId === peerId)?.displayName ?? '');
  };
  const onStreamEnded = ({ roomId, producerId }: { roomId: string; producerId: string }) => alerts.streamEnded(roomId, producerId);
  hub.on('affect', onAffect);
  hub.on('streamended', onStreamEnded);
  const onFork = (fork: MediaFork) => recorder.participantAnalysed(fork.roomId, fork.peerId, fork.displayName);
  forks.observer.on('newfork', onFork);
  const onGranted = (roomId: string, peerId: string) => forks.forkPeer(roomId, peerId);
  const onWithdrawn = (roomId: string, peerId: string) => {
    log.info({ roomId, peerId }, "consent withdrawn: closing the participant's forks");
    void forks.closePeer(peerId);
  };
  consents.on('granted', onGranted);
  consents.on('withdrawn', onWithdrawn);
  const onRoom = (room: Room) => {
    room.observer.on('newpeer', (peer) => names.set(peer.id, peer.displayName));
    room.observer.on('peerclosed', (peer) => names.delete(peer.id));
    room.observer.once('close', () => {
      recorder.roomClosed(room.id);
      alerts.roomClosed(room.id);
    });
  };
  rooms.observer.on('newroom', onRoom);
  return () => {
    hub.admit = undefined;
    hub.off('affect', onAffect);
    hub.off('streamended', onStreamEnded);
    forks.observer.off('newfork', onFork);
    consents.off('granted', onGranted);
    consents.off('withdrawn', onWithdrawn);
    rooms.observer.off('newroom', onRoom);
  };
}
