// The composition root: builds every long-lived part from the frozen Config, wires them together, and closes
// them in reverse order. `await using app = await App.start(config, logger)` closes it on scope exit.
import path from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import { Server as SocketIoServer } from 'socket.io';
import { PROJECT_ROOT } from '../config/schema.js';
import type { Config } from '../config/schema.js';
import { SFU_NAMESPACE } from '../contracts/sfu.js';
import { AFFECT_NAMESPACE } from '../contracts/overlay.js';
import { SESSION_NAMESPACE } from '../contracts/session.js';
import { FailureLimiter } from '../auth/FailureLimiter.js';
import { TokenIssuer, type TokenRole } from '../auth/tokens.js';
import { HttpAuth } from './api/httpAuth.js';
import { loadOrCreateSecret } from '../auth/secret.js';
import type { Logger } from '../log/logger.js';
import { AffectHub } from '../overlay/AffectHub.js';
import { attachAffectNamespace, type AffectNamespace } from '../overlay/affectNamespace.js';
import { WorkerPool } from '../sfu/WorkerPool.js';
import { RoomRegistry } from '../sfu/RoomRegistry.js';
import { attachSfuNamespace, type SfuNamespace } from '../sfu/signalling/attachSfuNamespace.js';
import { AnalyzerService } from '../analyzer/AnalyzerService.js';
import { ForkManager } from '../analyzer/fork/ForkManager.js';
import type { AnalysisProfile } from '../analyzer/profiles/AnalysisProfile.js';
import { loadProfile } from '../analyzer/profiles/loadProfile.js';
import { Metrics } from './metrics.js';
import { registerHealth } from './health.js';
import { Recording } from './Recording.js';
import { RoomActions } from './api/RoomActions.js';
import { TokenMinter } from './api/TokenMinter.js';
import { originPolicy, registerApi } from './api/registerApi.js';
import { attachSessionNamespace, type SessionNamespace } from './sessionNamespace.js';
import { CONTENT_SECURITY_POLICY, registerPages } from './pages.js';

export const WEB_DIR = path.join(PROJECT_ROOT, 'dist', 'web');

export interface AppUrls {
  base: string;
  meeting: string;
  overlay: string;
  dashboard: string;
}

export class App {
  readonly config: Config;
  readonly tokens: TokenIssuer;
  readonly metrics: Metrics;
  readonly hub: AffectHub;
  readonly rooms: RoomRegistry;
  readonly recording: Recording;
  readonly minter: TokenMinter;
  readonly #logger: Logger;
  readonly #http: FastifyInstance;
  readonly #io: SocketIoServer;
  readonly #pool: WorkerPool;
  readonly #profile: AnalysisProfile;
  readonly #forks: ForkManager;
  readonly #analyzer: AnalyzerService;
  readonly #detach: Array<() => void>;
  #baseUrl = '';
  #closing: Promise<void> | undefined;

  private constructor(parts: {
    config: Config;
    logger: Logger;
    tokens: TokenIssuer;
    metrics: Metrics;
    hub: AffectHub;
    pool: WorkerPool;
    rooms: RoomRegistry;
    recording: Recording;
    minter: TokenMinter;
    profile: AnalysisProfile;
    forks: ForkManager;
    analyzer: AnalyzerService;
    http: FastifyInstance;
    io: SocketIoServer;
    detach: Array<() => void>;
  }) {
    this.config = parts.config;
    this.#logger = parts.logger;
    this.tokens = parts.tokens;
    this.metrics = parts.metrics;
    this.hub = parts.hub;
    this.#pool = parts.pool;
    this.rooms = parts.rooms;
    this.recording = parts.recording;
    this.minter = parts.minter;
    this.#profile = parts.profile;
    this.#forks = parts.forks;
    this.#analyzer = parts.analyzer;
    this.#http = parts.http;
    this.#io = parts.io;
    this.#detach = parts.detach;
  }

  static async start(config: Config, logger: Logger): Promise<App> {
    const log = logger.child({ component: 'app' });
    const tokens = new TokenIssuer(loadOrCreateSecret(config.dataDir, config.auth.secret));
    const metrics = new Metrics();
    const hub = new AffectHub();
    hub.onListenerError = (event, error) => log.error({ err: error, event }, 'affect hub listener failed');

    // The models first: a missing or untrained model is a clear error before any worker or port is taken.
    const profile = await loadProfile(config, logger);
    // Everything built so far is closed again if a later step fails: a failed start leaks no worker or port.
    const undo: Array<() => Promise<unknown>> = [() => profile.close()];
    try {
      // The store before any media: consent gates the forks, and revoked tokens are refused from the start.
      const recording = await Recording.open(config, metrics, logger);
      undo.unshift(() => recording.close());
      tokens.useRevocations(recording.store);
      const failures = new FailureLimiter(config.server.tokenFailuresPerMinute);
      const pool = await WorkerPool.create({ size: config.sfu.workers, rtcPorts: config.sfu.rtcPorts, logLevel: config.sfu.logLevel }, logger);
      undo.unshift(() => pool.close());
      const rooms = new RoomRegistry(pool, { listenIp: config.sfu.listenIp, announcedAddress: config.sfu.announcedAddress }, metrics, logger);
      undo.unshift(() => rooms.close());
      const forks = new ForkManager({ rooms, analyzer: config.analyzer, logger, metrics, filter: recording.forkFilter });
      undo.unshift(() => forks.close());
      const analyzer = new AnalyzerService({ forks, profile, hub, metrics, logger });
      undo.unshift(async () => analyzer.close());

      const http: FastifyInstance = Fastify({
        // pino's Logger is what fastify expects at run time; only the generic defaults differ in the types
        loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
        logController: new LogController({ disableRequestLogging: true }),
        trustProxy: false,
      });
      const originAllowed = originPolicy(config.server.allowedOrigins, config.server.publicUrl);
      const io = new SocketIoServer(http.server, {
        serveClient: false,
        transports: ['websocket'],
        cors: { origin: false },
        // CORS does not cover WebSockets: refuse upgrades from pages of other origins here.
        allowRequest: (req, callback) => callback(null, originAllowed(req.headers.origin, req.headers.host)),
      });
      undo.unshift(() => new Promise((resolve) => io.close(resolve)), () => http.close());
      let ready = false;
      await http.register(helmet, {
        global: true,
        contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
        frameguard: { action: 'deny' },
      });
      registerPages(http, tokens, WEB_DIR, failures);
      let baseUrl = '';
      const minter = new TokenMinter(tokens, recording.store, () => baseUrl);
      const actions = new RoomActions(recording, rooms);
      const disconnect = (tokenId: string) => {
        for (const name of [SFU_NAMESPACE, AFFECT_NAMESPACE, SESSION_NAMESPACE]) for (const socket of io.of(name).sockets.values()) {
          if ((socket.data as { claims?: { jti?: string } }).claims?.jti === tokenId) socket.disconnect(true);
        }
      };
      await registerApi(http, {
        auth: new HttpAuth(tokens, failures),
        actions,
        recording,
        minter,
        store: recording.store,
        disconnect,
        rateLimitPerMinute: config.server.rateLimitPerMinute,
        originAllowed,
      });
      registerHealth(http, metrics, () => ({ ready, profile: config.models.profile, rooms: rooms.size }));
      const detach = [
        attachSfuNamespace(io.of(SFU_NAMESPACE) as SfuNamespace, { rooms, tokens, consent: recording.consents, failures, metrics, logger }),
        attachAffectNamespace(io.of(AFFECT_NAMESPACE) as AffectNamespace, hub, tokens, logger, failures),
        attachSessionNamespace(io.of(SESSION_NAMESPACE) as SessionNamespace, { tokens, failures, recording, actions, logger }),
        wireParticipants(rooms, hub),
      ];
      recording.wire({ rooms, hub, forks });
      const app = new App({ config, logger, tokens, metrics, hub, pool, rooms, recording, minter, profile, forks, analyzer, http, io, detach });
      await http.listen({ host: config.server.host, port: config.server.port });
      const address = http.server.address();
      const port = typeof address === 'object' && address ? address.port : config.server.port;
      app.#baseUrl = config.server.publicUrl?.replace(/\/$/, '') ?? `http://${hostForUrl(config.server.host)}:${port}`;
      baseUrl = app.#baseUrl;
      ready = true;
      log.info({ url: app.#baseUrl, profile: config.models.profile }, 'ready');
      return app;
    } catch (error) {
      for (const step of undo) await step().catch((e: unknown) => log.warn({ err: e }, 'cleanup after a failed start'));
      throw error;
    }
  }

  get baseUrl(): string {
    return this.#baseUrl;
  }

  /** The URLs `serve` prints: each carries a token for exactly that page and room. */
  urls(room: string = this.config.room): AppUrls {
    const ttlMs = this.config.auth.tokenTtlHours * 3_600_000;
    // Recorded like any minted token, so that each can be listed and revoked.
    const url = (role: TokenRole) => this.minter.mint(room, role, ttlMs, 'printed by serve').url;
    return { base: this.#baseUrl, meeting: url('publish'), overlay: url('overlay'), dashboard: url('dashboard') };
  }

  /** Idempotent; resolves once every worker process, decoder and socket is gone. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const detach of this.#detach) detach();
      this.#io.disconnectSockets(true);
      this.#analyzer.close();
      await this.#forks.close();
      await this.rooms.close();
      // After the rooms: their close ends the open sessions; queued events are written first.
      await this.recording.close();
      await new Promise<void>((resolve) => this.#io.close(() => resolve()));
      await this.#http.close().catch(() => undefined); // io.close() may already have closed the server
      await this.#pool.close();
      await this.#profile.close();
      this.#logger.child({ component: 'app' }).info('closed');
    })();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Keeps the hub's participant list in step with the SFU's peers. */
function wireParticipants(rooms: RoomRegistry, hub: AffectHub): () => void {
  const onRoom = (room: import('../sfu/Room.js').Room) => {
    room.observer.on('newpeer', (peer) => hub.participantJoined(room.id, { peerId: peer.id, displayName: peer.displayName }));
    room.observer.on('peerclosed', (peer) => hub.participantLeft(room.id, peer.id));
    room.observer.once('close', () => hub.roomClosed(room.id));
  };
  rooms.observer.on('newroom', onRoom);
  return () => rooms.observer.off('newroom', onRoom);
}
