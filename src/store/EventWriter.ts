// Writes AffectEvents to the store in batches, one transaction per flush, from a timer: publishing an event
// only appends to a bounded in-memory queue, so analysis never waits for the disk. When the disk cannot keep
// up and the queue is full, new events are dropped, counted (affectcast_recording_dropped_total) and logged
// once per overflow episode. close() writes what is queued.
import type { Statement } from 'better-sqlite3';
import type { AffectEvent } from '../contracts/affect.js';
import type { Logger } from '../log/logger.js';
import type { Store } from './Store.js';

export interface EventWriterOptions {
  queueLimit: number;
  flushMs: number;
  logger: Logger;
  /** Counts dropped events (prom-client counter). */
  onDrop?: ((count: number) => void) | undefined;
}

interface Pending {
  sessionId: string;
  event: AffectEvent;
}

export class EventWriter {
  readonly #store: Store;
  readonly #options: EventWriterOptions;
  readonly #log: Logger;
  readonly #insert: Statement;
  #queue: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #overflowing = false;
  #droppedThisEpisode = 0;
  #dropped = 0;
  #written = 0;
  #closed = false;

  constructor(store: Store, options: EventWriterOptions) {
    this.#store = store;
    this.#options = options;
    this.#log = options.logger.child({ component: 'event-writer' });
    this.#insert = store.db.prepare('INSERT INTO events (session_id, at, peer_id, producer_id, body) VALUES (?, ?, ?, ?, ?)');
  }

  get queued(): number {
    return this.#queue.length;
  }

  get dropped(): number {
    return this.#dropped;
  }

  get written(): number {
    return this.#written;
  }

  /** Never blocks and never throws: queues the event, or drops it when the queue is full. */
  enqueue(sessionId: string, event: AffectEvent): void {
    if (this.#closed) return;
    if (this.#queue.length >= this.#options.queueLimit) {
      this.#dropped++;
      this.#droppedThisEpisode++;
      this.#options.onDrop?.(1);
      if (!this.#overflowing) {
        this.#overflowing = true;
        this.#log.warn({ queueLimit: this.#options.queueLimit }, 'recording queue full: dropping events until the disk catches up');
      }
      return;
    }
    this.#queue.push({ sessionId, event });
    this.#timer ??= setTimeout(() => this.flush(), this.#options.flushMs);
  }

  /** Writes everything queued in one transaction. Returns how many events were written. */
  flush(): number {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#queue;
    if (batch.length === 0 || this.#store.closed) return 0;
    this.#queue = [];
    try {
      this.#store.db.transaction(() => {
        for (const { sessionId, event } of batch) {
          this.#insert.run(sessionId, event.capturedAt, event.peerId, event.producerId, JSON.stringify(event));
        }
      })();
    } catch (error) {
      // A failed batch is dropped whole (the transaction rolled back): counted like any other drop.
      this.#dropped += batch.length;
      this.#options.onDrop?.(batch.length);
      this.#log.error({ err: error, events: batch.length }, 'could not write recorded events: batch dropped');
      return 0;
    }
    this.#written += batch.length;
    if (this.#overflowing) {
      this.#overflowing = false;
      this.#log.warn({ dropped: this.#droppedThisEpisode }, 'recording queue drained');
      this.#droppedThisEpisode = 0;
    }
    return batch.length;
  }

  /** Idempotent: writes what is queued and stops. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
  }
}
