// Everything issue-8 adds around the live path, built from the config and wired to the SFU, the forks and
// the hub: the store (recording, retention), consent and purpose policy, and alerts. Consent gates the
// analyzer twice: ForkManager forks only consenting peers (forkFilter), and the hub drops any event of a
// peer without consent (one still in flight when consent is withdrawn).
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { AffectHub } from '../overlay/AffectHub.js';
import type { ForkManager } from '../analyzer/fork/ForkManager.js';
import type { Peer } from '../sfu/Peer.js';
import type { Room } from '../sfu/Room.js';
import type { RoomRegistry } from '../sfu/RoomRegistry.js';
import { AlertService } from '../alerts/AlertService.js';
import { ConsentRegistry } from '../consent/ConsentRegistry.js';
import { PurposePolicy } from '../consent/PurposePolicy.js';
import { EventWriter } from '../store/EventWriter.js';
import { Retention } from '../store/Retention.js';
import { SessionRecorder } from '../store/SessionRecorder.js';
import { Store } from '../store/Store.js';
import type { Metrics } from './metrics.js';

export class Recording {
  readonly store: Store;
  readonly writer: EventWriter;
  readonly recorder: SessionRecorder;
  readonly alerts: AlertService;
  readonly policy: PurposePolicy;
  readonly consents: ConsentRegistry;
  readonly #retention: Retention;
  readonly #log: Logger;
  readonly #detach: Array<() => void> = [];
  #closed = false;

  static async open(config: Config, metrics: Metrics, logger: Logger): Promise<Recording> {
    const store = Store.open(config.dataDir);
    try {
      const writer = await EventWriter.open(store, {
        queueLimit: config.store.queueLimit,
        flushMs: config.store.flushMs,
        logger,
        onDrop: (n) => metrics.recordingDropped.inc(n),
        onRecorded: (n) => metrics.recordedEvents.inc(n),
      });
      return new Recording(config, store, writer, logger);
    } catch (error) {
      store.close();
      throw error;
    }
  }

  private constructor(config: Config, store: Store, writer: EventWriter, logger: Logger) {
    this.#log = logger.child({ component: 'recording' });
    this.store = store;
    this.writer = writer;
    this.recorder = new SessionRecorder(this.store, this.writer, logger);
    this.alerts = new AlertService(config, this.store, this.recorder, logger);
    this.policy = new PurposePolicy(config, this.store);
    this.consents = new ConsentRegistry({
      store: this.store,
      policy: this.policy,
      retentionDays: config.store.retentionDays,
      sessionOf: (room) => this.recorder.currentId(room),
    });
    this.consents.onListenerError = (event, error) => this.#log.error({ err: error, event }, 'consent listener failed');
    for (const [room, declared] of Object.entries(config.rooms)) {
      const info = this.policy.room(room);
      if (!info.analysisAllowed) this.#log.warn({ room, purpose: declared.purpose }, 'configured room is not analysed: its purpose is refused by the policy');
    }
    this.#retention = new Retention(this.store, config.store.retentionDays, logger);
  }

  /** For ForkManager's filter: only consenting peers are forked. */
  readonly forkFilter = (_room: Room, peer: Peer): boolean => this.consents.isGranted(peer.id);

  wire(parts: { rooms: RoomRegistry; hub: AffectHub; forks: ForkManager }): void {
    const { rooms, hub, forks } = parts;
    const names = new Map<string, string>();
    hub.admit = (event) => this.consents.isGranted(event.peerId);
    const onAffect = (event: Parameters<AffectHub['publish']>[0]) => {
      this.recorder.record(event);
      // Only read when a rule fires: the SFU's name, else the hub's participant list.
      this.alerts.evaluate(event, (peerId) => names.get(peerId) ?? hub.state(event.roomId).participants.find((p) => p.peerId === peerId)?.displayName ?? '');
    };
    const onStreamEnded = ({ roomId, producerId }: { roomId: string; producerId: string }) => this.alerts.streamEnded(roomId, producerId);
    hub.on('affect', onAffect);
    hub.on('streamended', onStreamEnded);
    const onFork = (_fork: unknown, room: Room, peer: Peer) => this.recorder.participantAnalysed(room.id, peer.id, peer.displayName);
    forks.observer.on('newfork', onFork);
    const onGranted = (roomId: string, peerId: string) => {
      const room = rooms.get(roomId);
      const peer = room?.peers.get(peerId);
      if (room && peer) forks.forkPeer(room, peer);
    };
    const onWithdrawn = (roomId: string, peerId: string) => {
      this.#log.info({ roomId, peerId }, 'consent withdrawn: closing the participant\'s forks');
      void forks.closePeer(peerId);
    };
    this.consents.on('granted', onGranted);
    this.consents.on('withdrawn', onWithdrawn);
    const onRoom = (room: Room) => {
      room.observer.on('newpeer', (peer) => names.set(peer.id, peer.displayName));
      room.observer.on('peerclosed', (peer) => names.delete(peer.id));
      room.observer.once('close', () => {
        this.recorder.roomClosed(room.id);
        this.alerts.roomClosed(room.id);
      });
    };
    rooms.observer.on('newroom', onRoom);
    this.#detach.push(() => {
      hub.admit = undefined;
      hub.off('affect', onAffect);
      hub.off('streamended', onStreamEnded);
      forks.observer.off('newfork', onFork);
      this.consents.off('granted', onGranted);
      this.consents.off('withdrawn', onWithdrawn);
      rooms.observer.off('newroom', onRoom);
    });
  }

  /** Idempotent: writes what is queued, ends open sessions, closes the database. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const detach of this.#detach.splice(0)) detach();
    this.#retention.close();
    try {
      await this.recorder.close();
    } finally {
      this.store.close();
    }
  }
}
