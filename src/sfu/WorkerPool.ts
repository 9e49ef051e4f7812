// One mediasoup Worker (a C++ subprocess, single-threaded) per configured slot. The RTC port range is split
// between the slots so that two workers never race for a port, and rooms go to the least-loaded worker.
//
// A worker that dies takes its routers with it (their rooms close and their clients are disconnected, so they
// rejoin). The pool logs it and starts a fresh worker in the same slot at once; when workers keep dying (more
// than FREE_RESTARTS within DEATH_WINDOW_MS) or cannot be started, it goes on trying with a backoff that
// doubles up to MAX_BACKOFF_MS — a pool that gave up would leave a server that looks alive but takes no
// room. While no worker runs, `workers` is empty: /healthz and /readyz report it.
import * as mediasoup from 'mediasoup';
import type { Router, TransportPortRange, Worker, WorkerLogLevel } from 'mediasoup/types';
import { AffectcastError } from '../contracts/errors.js';
import { EnhancedEventEmitter } from '../events/EnhancedEventEmitter.js';
import type { Logger } from '../log/logger.js';

export interface WorkerPoolOptions {
  size: number;
  rtcPorts: { min: number; max: number };
  logLevel: WorkerLogLevel;
}

/** A live worker and the part of the RTC port range its transports listen on. */
export interface PooledWorker {
  readonly slot: number;
  readonly worker: Worker;
  readonly portRange: TransportPortRange;
}

export type WorkerPoolObserverEvents = {
  newworker: [worker: PooledWorker];
  workerdied: [slot: number, error: Error];
  /** A slot's worker could not be started; the next try follows after `retryInMs`. */
  spawnfailed: [slot: number, error: unknown, retryInMs: number];
  close: [];
};

/** Fewer ports than this per worker is a configuration mistake (each transport needs one or two). */
const MIN_PORTS_PER_WORKER = 16;
const FREE_RESTARTS = 3;
const DEATH_WINDOW_MS = 60_000;
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
const SUBPROCESS_EXIT_TIMEOUT_MS = 3_000;

interface Slot {
  readonly index: number;
  readonly portRange: TransportPortRange;
  entry: PooledWorker | undefined;
  /** Routers, transports, producers and consumers currently on this slot's worker. */
  load: number;
  lastPick: number;
  /** Pending respawn after a backoff. */
  retryTimer: NodeJS.Timeout | undefined;
  /** Consecutive failed starts of this slot. */
  failedStarts: number;
}

export class WorkerPool {
  readonly observer = new EnhancedEventEmitter<WorkerPoolObserverEvents>();
  readonly #options: WorkerPoolOptions;
  readonly #log: Logger;
  readonly #slots: Slot[];
  readonly #spawning = new Set<Promise<void>>();
  readonly #deaths: number[] = [];
  #picks = 0;
  #closing: Promise<void> | undefined;

  private constructor(options: WorkerPoolOptions, logger: Logger) {
    this.#options = options;
    this.#log = logger.child({ component: 'worker-pool' });
    this.#slots = splitPortRange(options.rtcPorts, options.size).map((portRange, index) => ({
      index,
      portRange,
      entry: undefined,
      load: 0,
      lastPick: 0,
      retryTimer: undefined,
      failedStarts: 0,
    }));
    this.observer.onListenerError = (event, error) => this.#log.error({ err: error, event }, 'worker pool listener failed');
  }

  /** Starts every worker; if one fails to start, the others are closed again and the error is thrown. */
  static async create(options: WorkerPoolOptions, logger: Logger): Promise<WorkerPool> {
    const pool = new WorkerPool(options, logger);
    try {
      await Promise.all(pool.#slots.map((slot) => pool.#spawn(slot)));
    } catch (error) {
      await pool.close();
      throw error;
    }
    pool.#log.info(
      { workers: pool.#slots.length, version: mediasoup.version, ports: pool.#slots.map((s) => `${s.portRange.min}-${s.portRange.max}`) },
      'mediasoup workers started',
    );
    return pool;
  }

  get size(): number {
    return this.#slots.length;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** The live workers (a dead one is absent until its replacement has started). */
  get workers(): PooledWorker[] {
    return this.#slots.flatMap((s) => (s.entry ? [s.entry] : []));
  }

  /** Current load of each slot (routers + transports + producers + consumers), for metrics and tests. */
  loads(): number[] {
    return this.#slots.map((s) => s.load);
  }

  /** The least-loaded live worker; ties go to the one picked longest ago. */
  pick(): PooledWorker {
    if (this.closed) throw new AffectcastError('SHUTTING_DOWN');
    let best: Slot | undefined;
    for (const slot of this.#slots) {
      if (!slot.entry) continue;
      if (!best || slot.load < best.load || (slot.load === best.load && slot.lastPick < best.lastPick)) best = slot;
    }
    if (!best?.entry) throw new AffectcastError('MEDIA_ERROR', 'no media worker is running');
    best.lastPick = ++this.#picks;
    return best.entry;
  }

  /** Idempotent; resolves once every worker subprocess has exited (and was reaped: no zombie is left). */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const slot of this.#slots) clearTimeout(slot.retryTimer);
      await Promise.allSettled([...this.#spawning]);
      await Promise.all(
        this.#slots.map(async (slot) => {
          const entry = slot.entry;
          slot.entry = undefined;
          if (entry) await closeWorker(entry.worker);
        }),
      );
      this.#log.debug('mediasoup workers closed');
      this.observer.safeEmit('close');
    })();
    return this.#closing;
  }

  #spawn(slot: Slot): Promise<void> {
    const spawning = (async () => {
      const worker = await mediasoup.createWorker({
        logLevel: this.#options.logLevel,
        // Deprecated in favour of listenInfo.portRange (which Room uses), but still the default for any
        // transport created without one: keeps every port of this worker inside its slot.
        rtcMinPort: slot.portRange.min,
        rtcMaxPort: slot.portRange.max,
        appData: { slot: slot.index },
      });
      if (this.closed) {
        await closeWorker(worker);
        return;
      }
      const entry: PooledWorker = { slot: slot.index, worker, portRange: slot.portRange };
      slot.entry = entry;
      slot.load = 0;
      slot.failedStarts = 0;
      this.#trackLoad(slot, worker);
      worker.on('died', (error) => this.#onDied(slot, worker, error));
      this.#log.debug({ slot: slot.index, pid: worker.pid }, 'mediasoup worker started');
      this.observer.safeEmit('newworker', entry);
    })();
    this.#spawning.add(spawning);
    void spawning.finally(() => this.#spawning.delete(spawning)).catch(() => undefined);
    return spawning;
  }

  #onDied(slot: Slot, worker: Worker, error: Error): void {
    if (slot.entry?.worker === worker) slot.entry = undefined;
    if (this.closed) return;
    this.#log.error({ err: error, slot: slot.index, pid: worker.pid }, 'mediasoup worker died; its rooms are closed');
    this.observer.safeEmit('workerdied', slot.index, error);
    const now = Date.now();
    this.#deaths.push(now);
    while (this.#deaths.length > 0 && (this.#deaths[0] ?? 0) < now - DEATH_WINDOW_MS) this.#deaths.shift();
    const excess = this.#deaths.length - FREE_RESTARTS;
    const delayMs = excess <= 0 ? 0 : backoffMs(excess);
    if (delayMs > 0) {
      this.#log.error(
        { deaths: this.#deaths.length, windowMs: DEATH_WINDOW_MS, alive: this.workers.length, retryInMs: delayMs },
        'mediasoup workers keep dying: recreating with a backoff (check the worker binary and the host)',
      );
    }
    this.#respawn(slot, delayMs);
  }

  /** Starts the slot's worker after `delayMs`; a failed start is tried again with a growing backoff. */
  #respawn(slot: Slot, delayMs: number): void {
    clearTimeout(slot.retryTimer);
    slot.retryTimer = setTimeout(() => {
      slot.retryTimer = undefined;
      if (this.closed || slot.entry) return;
      this.#spawn(slot).catch((error: unknown) => {
        if (this.closed) return;
        slot.failedStarts++;
        const retryInMs = backoffMs(slot.failedStarts);
        this.#log.error({ err: error, slot: slot.index, retryInMs }, 'could not start a mediasoup worker: trying again');
        this.observer.safeEmit('spawnfailed', slot.index, error, retryInMs);
        this.#respawn(slot, retryInMs);
      });
    }, delayMs);
    slot.retryTimer.unref();
  }

  #trackLoad(slot: Slot, worker: Worker): void {
    // Every entity counts one; mediasoup's observers always emit close, whatever closed them (worker death too).
    const count = (observer: { once(event: 'close', listener: () => void): unknown }): void => {
      slot.load++;
      observer.once('close', () => slot.load--);
    };
    worker.observer.on('newrouter', (router: Router) => {
      count(router.observer);
      router.observer.on('newtransport', (transport) => {
        count(transport.observer);
        transport.observer.on('newproducer', (producer) => count(producer.observer));
        transport.observer.on('newconsumer', (consumer) => count(consumer.observer));
      });
    });
  }
}

function backoffMs(attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (attempt - 1));
}

/** Splits [min, max] into `size` equal, disjoint ranges (the remainder is left unused). */
export function splitPortRange(range: { min: number; max: number }, size: number): TransportPortRange[] {
  const total = range.max - range.min + 1;
  const per = Math.floor(total / size);
  if (size < 1 || per < MIN_PORTS_PER_WORKER) {
    throw new AffectcastError(
      'CONFIG_INVALID',
      `sfu.rtcPorts ${range.min}-${range.max} is too small for ${size} workers (at least ${MIN_PORTS_PER_WORKER} ports each)`,
    );
  }
  return Array.from({ length: size }, (_, i) => ({ min: range.min + i * per, max: range.min + (i + 1) * per - 1 }));
}

async function closeWorker(worker: Worker): Promise<void> {
  if (worker.subprocessClosed) {
    if (!worker.closed) worker.close();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const gone = new Promise<void>((resolve) => {
    worker.once('subprocessclose', resolve);
    timer = setTimeout(resolve, SUBPROCESS_EXIT_TIMEOUT_MS);
  });
  if (!worker.closed) worker.close();
  await gone;
  clearTimeout(timer);
}
