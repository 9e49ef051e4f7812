// Scale-out: with cluster.redisUrl set, this server's socket.io joins the others on the same Redis through
// socket.io's Redis Streams adapter (an overlay on any node receives the events analysed on any node), token
// revocations are shared (SharedRevocations) and a connecting client gets its room's state from whichever
// node holds the room (shareRoomState). Tokens themselves need no sharing: every node verifies them with the
// same key (give every node the same auth.secret / AFFECTCAST_SECRET). Without redisUrl nothing changes.
import type { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Config } from '../config/schema.js';
import { AFFECT_NAMESPACE, type RoomState } from '../contracts/overlay.js';
import type { Logger } from '../log/logger.js';
import { shareRoomState } from './clusterRoomState.js';
import { RedisConnections } from './RedisConnections.js';
import { SharedRevocations, type RevocationStore } from './SharedRevocations.js';

export interface ClusterParts {
  revocations: RevocationStore;
  /** Disconnects this node's sockets admitted with a token id (a revocation from another node). */
  disconnect: (tokenId: string) => void;
  roomState: (room: string) => RoomState;
}

export interface ClusterLink {
  readonly enabled: boolean;
  /** Idempotent; after io.close() or before, either is safe. */
  close(): Promise<void>;
}

/** Attach before any client can connect: the adapter replaces each namespace's in-memory one. */
export function attachCluster(io: Server, cluster: Config['cluster'], logger: Logger, parts: ClusterParts): ClusterLink {
  if (!cluster.redisUrl) return { enabled: false, close: async () => undefined };
  const log = logger.child({ component: 'cluster' });
  const redis = new RedisConnections(cluster.redisUrl, log);
  const factory = createAdapter(redis.forAdapter(), { streamName: 'affectcast:socket.io', channelPrefix: 'affectcast', onlyPlaintext: true });
  const adapters = new Set<{ close(): unknown }>();
  // socket.io constructs the adapter with `new`: a plain function that returns the factory's adapter.
  io.adapter(function clusterAdapter(this: unknown, nsp: unknown) {
    const adapter = factory(nsp);
    adapters.add(adapter);
    return adapter;
  } as unknown as Parameters<Server['adapter']>[0]);
  const revocations = new SharedRevocations({ store: parts.revocations, redis, namespace: io.of('/'), disconnect: parts.disconnect, logger: log });
  const unshare = shareRoomState(io.of(AFFECT_NAMESPACE), parts.roomState);
  let closing: Promise<void> | undefined;
  return {
    enabled: true,
    close: () =>
      (closing ??= (async () => {
        unshare();
        revocations.close();
        // The adapters' stream reader stops on its abort signal, which must come before its connection goes.
        for (const adapter of adapters) await adapter.close();
        redis.close();
      })()),
  };
}
