// The Redis connections of one server: the publisher (the adapter writes with it; so do shared revocations) and
// the connections the adapter duplicates from it (its stream reader and its subscriber). All of them reconnect
// forever with a backoff, so a Redis that is down at start or lost later is joined again when it returns.
//
// While Redis is away the node must go on serving its own clients. The adapter awaits every publish before it
// delivers to local sockets, so the publisher queues nothing offline (a publish fails at once and the local
// delivery goes ahead); the duplicates do queue, so the stream reader waits for Redis instead of spinning.
// The adapter also leaves a duplicate's failed connect() unhandled (it would end the process when close()
// stops a connection still trying): the duplicates it gets are tracked, and their connect() never rejects.
import { createClient } from 'redis';
import type { Logger } from '../log/logger.js';
import { redactRedisUrl } from './redisUrl.js';

export type RedisClient = ReturnType<typeof createClient>;

/** Reconnect backoff: 100 ms doubling to 5 s, never giving up. */
const reconnectDelay = (retries: number): number => Math.min(100 * 2 ** Math.min(retries, 10), 5_000);

export class RedisConnections {
  readonly publisher: RedisClient;
  readonly #duplicates = new Set<{ destroy(): void }>();
  readonly #log: Logger;
  readonly #where: string;
  #up = false;
  #toldDown = false;
  #closed = false;

  constructor(url: string, logger: Logger) {
    this.#log = logger;
    this.#where = redactRedisUrl(url);
    this.publisher = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: reconnectDelay, connectTimeout: 5_000 } });
    this.publisher.on('ready', () => {
      this.#log.info({ redis: this.#where }, this.#toldDown ? 'cluster: Redis is back: events and revocations are shared again' : 'cluster: connected to Redis');
      this.#up = true;
      this.#toldDown = false;
    });
    this.publisher.on('error', (error: Error) => {
      if (this.#closed) return;
      // One warning per outage; the retries that follow are debug.
      if (!this.#toldDown) {
        const message = this.#up
          ? "cluster: lost Redis: serving this node's clients only until it returns"
          : "cluster: cannot reach Redis: serving this node's clients only, retrying";
        this.#log.warn({ redis: this.#where, reason: error.message }, message);
        this.#toldDown = true;
      } else {
        this.#log.debug({ reason: error.message }, 'cluster: Redis still unreachable');
      }
      this.#up = false;
    });
    // Resolves when Redis is first reached (maybe never): nobody waits for it, and close() ends the attempts.
    this.publisher.connect().catch(() => undefined);
  }

  /** True while the publisher is connected. */
  get up(): boolean {
    return this.publisher.isReady;
  }

  /** The client to give the adapter: the publisher, whose duplicates are tracked and connect without rejecting. */
  forAdapter(): RedisClient {
    const duplicate = (overrides?: Parameters<RedisClient['duplicate']>[0]) => {
      const dup = this.publisher.duplicate({ ...overrides, disableOfflineQueue: false });
      dup.on('error', () => undefined); // outages are told once, by the publisher
      this.#duplicates.add(dup);
      return new Proxy(dup, {
        get: (target, property) => {
          // Pending forever once closed: the adapter's unhandled await then simply never resumes.
          if (property === 'connect') return () => target.connect().catch(() => new Promise<never>(() => undefined));
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    };
    return new Proxy(this.publisher, {
      get: (target, property) => {
        if (property === 'duplicate') return duplicate;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** Idempotent: ends every connection (and every reconnect attempt). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const dup of this.#duplicates) dup.destroy();
    this.#duplicates.clear();
    this.publisher.destroy();
  }
}
