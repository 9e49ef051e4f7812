// The Redis connections of one server: the publisher (the adapter writes with it; so do shared revocations) and
// the connections the adapter duplicates from it (its stream reader and its subscriber). All of them reconnect
// forever with a backoff, so a Redis that is down at start or lost later is joined again when it returns.
//
// While Redis is away the node must go on serving its own clients. The adapter awaits every publish before it
// delivers to local sockets, so the publisher queues nothing offline (a publish fails at once and the local
// delivery goes ahead); the duplicates do queue, so the stream reader waits for Redis instead of spinning.
// The adapter also leaves some of its commands' promises unhandled (the PUBLISH of a server-side emit, a
// duplicate's connect()): one failing while Redis is away would end the process. So every promise the adapter
// gets from a client is marked handled (whoever awaits it still sees the failure), the duplicates are tracked,
// and their connect() never rejects (close() ends connections that may still be trying).
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
  #everUp = false;
  #toldDown = false;
  #closed = false;

  constructor(url: string, logger: Logger) {
    this.#log = logger;
    this.#where = redactRedisUrl(url);
    this.publisher = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: reconnectDelay, connectTimeout: 5_000 } });
    this.publisher.on('ready', () => {
      this.#log.info({ redis: this.#where }, this.#everUp ? 'cluster: Redis is back: events and revocations are shared again' : 'cluster: connected to Redis');
      this.#up = true;
      this.#everUp = true;
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

  /** The client to give the adapter: the publisher, whose duplicates are tracked and connect without rejecting. */
  forAdapter(): RedisClient {
    const duplicate = (overrides?: Parameters<RedisClient['duplicate']>[0]) => {
      const dup = this.publisher.duplicate({ ...overrides, disableOfflineQueue: false });
      dup.on('error', () => undefined); // outages are told once, by the publisher
      this.#duplicates.add(dup);
      // Pending forever once closed: the adapter's unhandled await then simply never resumes.
      return guarded(dup, { connect: () => dup.connect().catch(() => new Promise<never>(() => undefined)) });
    };
    return guarded(this.publisher, { duplicate });
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

/** `client` with `overrides` in place of some methods, and every promise its methods return marked handled. */
function guarded<T extends object>(client: T, overrides: Record<string, unknown>): T {
  return new Proxy(client, {
    get: (target, property) => {
      if (typeof property === 'string' && property in overrides) return overrides[property];
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) result.catch(() => undefined);
        return result;
      };
    },
  });
}
