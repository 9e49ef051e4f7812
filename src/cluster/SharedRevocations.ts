// Token revocations shared by every node of a cluster. Each node keeps checking its own SQLite list (the check
// is synchronous, on every page, request and socket); what is shared is how ids get there:
// - a revocation on any node is added to one Redis sorted set (id → time) and announced to the other nodes,
//   which add it to their own list and disconnect the sockets admitted with it;
// - on every (re)connection to Redis, and every 30 s, a node pushes the ids the set lacks and pulls the set into
//   its list, so a node that was cut off when a token was revoked (or revoked one itself meanwhile) catches up.
// Entries older than the longest token lifetime are trimmed: no token they name can still be valid.
import type { Namespace } from 'socket.io';
import { z } from 'zod';
import { MAX_TTL_MS } from '../contracts/roles.js';
import type { Logger } from '../log/logger.js';
import type { RedisConnections } from './RedisConnections.js';

/** What the store offers (Store implements it). */
export interface RevocationStore {
  /** Adds the id; true when it was not revoked before. */
  revokeToken(id: string): boolean;
  revokedTokens(): Array<{ id: string; revokedAt: number }>;
  onRevoked(listener: (id: string) => void): () => void;
}

export const REVOCATIONS_KEY = 'affectcast:revoked-tokens';
const ANNOUNCEMENT = 'affectcast:revoked';
const SYNC_EVERY_MS = 30_000;
const TokenId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

export class SharedRevocations {
  readonly #store: RevocationStore;
  readonly #redis: RedisConnections;
  readonly #nsp: Namespace;
  readonly #disconnect: (tokenId: string) => void;
  readonly #log: Logger;
  readonly #detach: Array<() => void> = [];
  /** Ids being applied from the cluster: not announced again. */
  readonly #applying = new Set<string>();

  constructor(parts: { store: RevocationStore; redis: RedisConnections; namespace: Namespace; disconnect: (tokenId: string) => void; logger: Logger }) {
    this.#store = parts.store;
    this.#redis = parts.redis;
    this.#nsp = parts.namespace;
    this.#disconnect = parts.disconnect;
    this.#log = parts.logger;
    this.#detach.push(this.#store.onRevoked((id) => this.#share(id)));
    const onAnnouncement = (id: unknown) => {
      const parsed = TokenId.safeParse(id);
      if (!parsed.success) return;
      try {
        this.#apply(parsed.data);
      } catch (error) {
        // The store is closing (shutdown): this node refuses every token from now on anyway.
        this.#log.debug({ err: error, tokenId: parsed.data }, 'cluster: revocation not applied');
      }
    };
    this.#nsp.on(ANNOUNCEMENT, onAnnouncement);
    this.#detach.push(() => this.#nsp.off(ANNOUNCEMENT, onAnnouncement));
    const onReady = () => void this.sync();
    this.#redis.publisher.on('ready', onReady);
    this.#detach.push(() => this.#redis.publisher.off('ready', onReady));
    // Also now and then: an announcement missed while this node's subscription was reconnecting is caught up.
    const timer = setInterval(onReady, SYNC_EVERY_MS).unref();
    this.#detach.push(() => clearInterval(timer));
  }

  /** Pushes this node's revocations to Redis and pulls the cluster's; resolves false when Redis is away. */
  async sync(): Promise<boolean> {
    const client = this.#redis.publisher;
    try {
      await client.zRemRangeByScore(REVOCATIONS_KEY, '-inf', Date.now() - MAX_TTL_MS - 86_400_000);
      const shared = await client.zRange(REVOCATIONS_KEY, 0, -1);
      const known = new Set(shared);
      // Revoked here while Redis was away: into the set, and announced to the nodes already back.
      const missing = this.#store.revokedTokens().filter((r) => !known.has(r.id));
      if (missing.length > 0) await client.zAdd(REVOCATIONS_KEY, missing.map((r) => ({ score: r.revokedAt, value: r.id })));
      for (const { id } of missing) this.#nsp.serverSideEmit(ANNOUNCEMENT, id);
      let added = 0;
      for (const id of shared) if (TokenId.safeParse(id).success && this.#apply(id)) added++;
      if (missing.length > 0 || added > 0) this.#log.info({ pushed: missing.length, added }, 'cluster: token revocations brought in step with Redis');
      return true;
    } catch (error) {
      this.#log.debug({ reason: (error as Error).message }, 'cluster: revocations not synchronised (Redis away); again on reconnect');
      return false;
    }
  }

  close(): void {
    for (const detach of this.#detach.splice(0)) detach();
  }

  #share(id: string): void {
    if (this.#applying.has(id)) return;
    // Announced at once to the nodes that listen now; the set serves those that reconnect later. When Redis is
    // away both fail, and the next sync pushes the id.
    this.#nsp.serverSideEmit(ANNOUNCEMENT, id);
    this.#redis.publisher.zAdd(REVOCATIONS_KEY, { score: Date.now(), value: id }).catch((error: unknown) => {
      this.#log.warn({ tokenId: id, reason: (error as Error).message }, 'cluster: revocation not shared yet (Redis away); it is on reconnect');
    });
  }

  /** Records a revocation that came from the cluster; true when it was new here. */
  #apply(id: string): boolean {
    this.#applying.add(id);
    try {
      if (!this.#store.revokeToken(id)) return false;
    } finally {
      this.#applying.delete(id);
    }
    this.#disconnect(id);
    this.#log.info({ tokenId: id }, 'cluster: token revoked on another node');
    return true;
  }
}
