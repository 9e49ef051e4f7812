// Writes AffectEvents to the store in batches, from a worker thread with its own connection: publishing an
// event only appends to a bounded in-memory queue, and a slow disk delays only the worker, never the event
// loop that carries media and analysis. Every `flushMs` the queue goes to the worker as one batch (one
// transaction). When the disk cannot keep up and queued plus in-flight events reach `queueLimit`, new events
// are dropped, counted (affectcast_recording_dropped_total) and logged once per overflow episode.
import { Worker } from 'node:worker_threads';
import type { AffectEvent } from '../contracts/affect.js';
import type { Logger } from '../log/logger.js';
import type { Store } from './Store.js';
import type { EventRow, FromWriter, ToWriter } from './writer/protocol.js';

export interface EventWriterOptions {
  queueLimit: number;
  flushMs: number;
  logger: Logger;
  /** Counts dropped events (prom-client counter). */
  onDrop?: ((count: number) => void) | undefined;
  /** Counts recorded events: those of a batch whose transaction committed, and how long the batch took (sent → committed). */
  onRecorded?: ((count: number, ms: number) => void) | undefined;
}

function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./writer/eventWriterWorker.js', import.meta.url));
  // Tests and tools run the TypeScript sources: load the worker through tsx as well.
  const entry = new URL('./writer/eventWriterWorker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
}

export class EventWriter {
  readonly #options: EventWriterOptions;
  readonly #log: Logger;
  readonly #worker: Worker;
  #queue: EventRow[] = [];
  #inFlight = 0;
  #nextBatch = 1;
  /** performance.now() when each batch in flight was sent to the thread. */
  readonly #sentAt = new Map<number, number>();
  #acked = 0;
  readonly #waiters: Array<{ id: number; resolve: () => void }> = [];
  #timer: NodeJS.Timeout | undefined;
  #overflowing = false;
  #droppedThisEpisode = 0;
  #dropped = 0;
  #written = 0;
  #broken = false;
  #closing: Promise<void> | undefined;

  private constructor(worker: Worker, options: EventWriterOptions) {
    this.#worker = worker;
    this.#options = options;
    this.#log = options.logger.child({ component: 'event-writer' });
    worker.on('message', (message: FromWriter) => this.#onMessage(message));
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', (code) => {
      if (!this.#closing) this.#fail(new Error(`the event writer thread exited (${code})`));
    });
  }

  /** Starts the writer thread on the store's database file. */
  static async open(store: Store, options: EventWriterOptions): Promise<EventWriter> {
    const worker = startWorker();
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromWriter) => {
        if (m.type !== 'opened') return;
        worker.off('error', reject);
        worker.off('message', onMessage);
        resolve();
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.postMessage({ type: 'open', file: store.file } satisfies ToWriter);
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    return new EventWriter(worker, options);
  }

  /** Events waiting for the next batch. */
  get queued(): number {
    return this.#queue.length;
  }

  get dropped(): number {
    return this.#dropped;
  }

  /** Events recorded by this writer: their batch's transaction has committed, so a crash cannot lose them. */
  get written(): number {
    return this.#written;
  }

  /** Never blocks and never throws: queues the event, or drops it when the queue is full. */
  enqueue(sessionId: string, event: AffectEvent): void {
    if (this.#closing) return;
    if (this.#broken || this.#queue.length + this.#inFlight >= this.#options.queueLimit) {
      this.#drop(1);
      if (!this.#overflowing) {
        this.#overflowing = true;
        this.#log.warn({ queueLimit: this.#options.queueLimit }, 'recording queue full: dropping events until the disk catches up');
      }
      return;
    }
    this.#queue.push([sessionId, event.capturedAt, event.peerId, event.producerId, JSON.stringify(event)]);
    this.#timer ??= setTimeout(() => void this.flush(), this.#options.flushMs);
  }

  /** Sends what is queued to the writer; resolves once everything enqueued so far is written (or dropped). */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#queue.length > 0 && !this.#broken) {
      const rows = this.#queue;
      this.#queue = [];
      this.#inFlight += rows.length;
      this.#sentAt.set(this.#nextBatch, performance.now());
      this.#worker.postMessage({ type: 'batch', id: this.#nextBatch++, rows } satisfies ToWriter);
    }
    const last = this.#nextBatch - 1;
    if (this.#acked >= last || this.#broken) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ id: last, resolve }));
  }

  /** Idempotent: writes what is queued, then stops the thread. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.flush();
      if (this.#broken) return;
      const closed = new Promise<void>((resolve) => {
        this.#worker.once('exit', () => resolve());
        this.#worker.on('message', (m: FromWriter) => m.type === 'closed' && resolve());
      });
      this.#worker.postMessage({ type: 'close' } satisfies ToWriter);
      await closed;
      await this.#worker.terminate();
    })();
    return this.#closing;
  }

  #onMessage(message: FromWriter): void {
    if (message.type !== 'written' && message.type !== 'failed') return;
    this.#inFlight -= message.count;
    this.#acked = message.id;
    const sentAt = this.#sentAt.get(message.id);
    this.#sentAt.delete(message.id);
    if (message.type === 'written') {
      this.#written += message.count;
      this.#options.onRecorded?.(message.count, sentAt === undefined ? 0 : performance.now() - sentAt);
      if (this.#overflowing && this.#inFlight === 0) {
        this.#overflowing = false;
        this.#log.warn({ dropped: this.#droppedThisEpisode }, 'recording queue drained');
        this.#droppedThisEpisode = 0;
      }
    } else {
      // The transaction rolled back: the batch is dropped whole, counted like any other drop.
      this.#drop(message.count);
      this.#log.error({ events: message.count, reason: message.message }, 'could not write recorded events: batch dropped');
    }
    while (this.#waiters.length > 0 && (this.#waiters[0]?.id ?? Infinity) <= this.#acked) this.#waiters.shift()?.resolve();
  }

  #drop(count: number): void {
    this.#dropped += count;
    this.#droppedThisEpisode += count;
    this.#options.onDrop?.(count);
  }

  #fail(error: unknown): void {
    if (this.#broken) return;
    this.#broken = true;
    this.#log.error({ err: error }, 'the event writer failed: events are dropped from now on');
    this.#drop(this.#queue.length + this.#inFlight);
    this.#queue = [];
    this.#inFlight = 0;
    for (const waiter of this.#waiters.splice(0)) waiter.resolve();
  }
}
