// Everything issue-8 adds around the live path, built from the config: the store (recording, retention),
// consent and purpose policy, and alerts. The composition root wires it to the SFU, the forks and the hub
// (src/app/wireRecording.ts). Consent gates the analyzer twice: ForkManager forks only consenting peers
// (forkFilter), and the hub drops any event of a peer without consent (one still in flight when consent is
// withdrawn).
import type { Config } from '../config/schema.js';
import { EnhancedEventEmitter } from '../events/EnhancedEventEmitter.js';
import type { Logger } from '../log/logger.js';
import { AlertService } from '../alerts/AlertService.js';
import { ConsentRegistry } from '../consent/ConsentRegistry.js';
import { PurposePolicy } from '../consent/PurposePolicy.js';
import { EventWriter } from '../store/EventWriter.js';
import { Retention } from '../store/Retention.js';
import { SessionRecorder } from '../store/SessionRecorder.js';
import { Store } from '../store/Store.js';

export type RecordingObserverEvents = {
  /** AffectEvents not recorded: the queue was full (slow disk) or a write failed. */
  dropped: [count: number];
  /** Events whose batch transaction committed: recorded, and kept through a crash; the batch took `ms` (sent → committed). */
  recorded: [count: number, ms: number];
};

export class Recording {
  readonly store: Store;
  readonly writer: EventWriter;
  readonly recorder: SessionRecorder;
  readonly alerts: AlertService;
  readonly policy: PurposePolicy;
  readonly consents: ConsentRegistry;
  readonly observer: EnhancedEventEmitter<RecordingObserverEvents>;
  readonly #retention: Retention;
  readonly #log: Logger;
  #closed = false;

  static async open(config: Config, logger: Logger): Promise<Recording> {
    const observer = new EnhancedEventEmitter<RecordingObserverEvents>();
    const store = Store.open(config.dataDir);
    try {
      const writer = await EventWriter.open(store, {
        queueLimit: config.store.queueLimit,
        flushMs: config.store.flushMs,
        logger,
        onDrop: (n) => observer.safeEmit('dropped', n),
        onRecorded: (n, ms) => observer.safeEmit('recorded', n, ms),
      });
      return new Recording(config, store, writer, observer, logger);
    } catch (error) {
      store.close();
      throw error;
    }
  }

  private constructor(config: Config, store: Store, writer: EventWriter, observer: EnhancedEventEmitter<RecordingObserverEvents>, logger: Logger) {
    this.#log = logger.child({ component: 'recording' });
    this.observer = observer;
    this.observer.onListenerError = (event, error) => this.#log.error({ err: error, event }, 'recording observer listener failed');
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
  readonly forkFilter = (offer: { peerId: string }): boolean => this.consents.isGranted(offer.peerId);

  /** Idempotent: writes what is queued, ends open sessions, closes the database. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#retention.close();
    try {
      await this.recorder.close();
    } finally {
      this.store.close();
    }
  }
}
