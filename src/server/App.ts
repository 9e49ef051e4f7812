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
import { RoomRegistry, sfuLimits } from '../sfu/RoomRegistry.js';
import { attachSfuNamespace, type SfuNamespace } from '../sfu/signalling/attachSfuNamespace.js';
import { peerChannel } from '../sfu/signalling/SfuSession.js';
import { AffectcastError, type ErrorPayload } from '../contracts/errors.js';
import { closeWithNotice, refuseNamespace } from './socketAuth.js';
import { AnalyzerService } from '../analyzer/AnalyzerService.js';
import { ForkManager } from '../analyzer/fork/ForkManager.js';
import type { AnalysisProfile } from '../analyzer/profiles/AnalysisProfile.js';
import { loadProfile } from '../analyzer/profiles/loadProfile.js';
import { Metrics } from './metrics.js';
import { registerHealth, type HealthStatus } from './health.js';
import { Recording } from './Recording.js';
import { RoomActions } from './api/RoomActions.js';
import { TokenMinter } from './api/TokenMinter.js';
import { originPolicy, registerApi } from './api/registerApi.js';
import { attachSessionNamespace, type SessionNamespace } from './sessionNamespace.js';
import { CONTENT_SECURITY_POLICY, registerPages } from './pages.js';
import { attachCluster, type ClusterLink } from '../cluster/attachCluster.js';

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
  readonly #cluster: ClusterLink;
  readonly #state: { value: HealthStatus['state'] };
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
    cluster: ClusterLink;
    state: { value: HealthStatus['state'] };
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
    this.#cluster = parts.cluster;
    this.#state = parts.state;
  }

  static async start(config: Config, logger: Logger): Promise<App> {
    const log = logger.child({ component: 'app' });
    const tokens = new TokenIssuer(loadOrCreateSecret(config.dataDir, config.auth.secret, (message, details) => log.warn(details, message)));
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
      const rooms = new RoomRegistry(pool, { listenIp: config.sfu.listenIp, announcedAddress: config.sfu.announcedAddress }, sfuLimits(config.limits), metrics, logger);
      undo.unshift(() => rooms.close());
      const forks = new ForkManager({ rooms, analyzer: config.analyzer, maxDecoders: config.limits.decoders, logger, metrics, filter: recording.forkFilter });
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
        // A connection that joins no namespace within this time is closed (the default namespace refuses all).
        connectTimeout: 5_000,
        // Signalling messages are a few kB (SDP-sized); anything far larger is an attack on memory.
        maxHttpBufferSize: 256 * 1024,
        // CORS does not cover WebSockets: refuse upgrades from pages of other origins here.
        allowRequest: (request, callback) => {
          const allowed = originAllowed(request.headers.origin, request.headers.host);
          if (!allowed) log.info({ origin: request.headers.origin }, 'socket refused: foreign origin');
          callback(allowed ? null : 'origin not allowed', allowed);
        },
      });
      undo.unshift(() => new Promise((resolve) => io.close(resolve)), () => http.close());
      const state: { value: HealthStatus['state'] } = { value: 'starting' };
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
          if ((socket.data as { claims?: { jti?: string } }).claims?.jti === tokenId) closeWithNotice(socket, { code: 'UNAUTHORIZED', message: 'token revoked' });
        }
      };
      // Scale-out (issue 10): Redis adapter, shared revocations, room state across nodes; off without cluster.redisUrl.
      const cluster = attachCluster(io, config.cluster, logger, { revocations: recording.store, disconnect, roomState: (room) => hub.state(room) });
      undo.unshift(() => cluster.close());
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
      registerHealth(http, metrics, () => ({
        state: state.value,
        profile: config.models.profile,
        rooms: rooms.size,
        maxRooms: config.limits.rooms,
        workers: pool.workers.length,
        decoders: forks.forks.size,
        maxDecoders: config.limits.decoders,
      }));
      refuseNamespace(io.of('/'));
      const sfuNamespace = io.of(SFU_NAMESPACE) as SfuNamespace;
      const detach = [
        attachSfuNamespace(sfuNamespace, { rooms, tokens, consent: recording.consents, failures, metrics, logger }),
        attachAffectNamespace(io.of(AFFECT_NAMESPACE) as AffectNamespace, hub, tokens, logger, failures),
        attachSessionNamespace(io.of(SESSION_NAMESPACE) as SessionNamespace, { tokens, failures, recording, actions, logger }),
        wireParticipants(rooms, hub),
        wireUnanalysed(forks, hub, sfuNamespace, metrics),
        wireWorkerGauge(pool, metrics),
      ];
      recording.wire({ rooms, hub, forks });
      const app = new App({ config, logger, tokens, metrics, hub, pool, rooms, recording, minter, profile, forks, analyzer, http, io, detach, cluster, state });
      await listen(http, config.server.host, config.server.port);
      const address = http.server.address();
      const port = typeof address === 'object' && address ? address.port : config.server.port;
      app.#baseUrl = config.server.publicUrl?.replace(/\/$/, '') ?? `http://${hostForUrl(config.server.host)}:${port}`;
      baseUrl = app.#baseUrl;
      state.value = 'ready';
      log.info({ url: app.#baseUrl, profile: config.models.profile }, 'ready');
      return app;
    } catch (error) {
      for (const step of undo) await step().catch((e: unknown) => log.warn({ err: e }, 'cleanup after a failed start'));
      throw error;
    }
  }

  /** The forks of live producers (read-only view, for health and tests). */
  get forks(): ForkManager {
    return this.#forks;
  }

  /** The live mediasoup workers. */
  get workers(): WorkerPool['workers'] {
    return this.#pool.workers;
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

  /**
   * Idempotent; resolves once every worker process, decoder and socket is gone. Everything that would look
   * like a failure if it happened later — clients losing their peers, rooms losing their routers — is done
   * synchronously first, in order: clients are told and disconnected, analysis stops, rooms close. So a
   * SIGTERM handler that calls this before mediasoup's own one (which closes the workers) logs no failure.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#state.value = 'shutting-down';
      const notice: ErrorPayload = { code: 'SHUTTING_DOWN', message: 'the server is shutting down' };
      for (const name of [SFU_NAMESPACE, AFFECT_NAMESPACE, SESSION_NAMESPACE]) {
        for (const socket of this.#io.of(name).sockets.values()) closeWithNotice(socket, notice);
      }
      for (const detach of this.#detach) detach();
      this.#io.disconnectSockets(true);
      this.#analyzer.close();
      const roomsClosed = this.rooms.close();
      await this.#forks.close();
      await roomsClosed;
      // After the rooms: their close ends the open sessions; queued events are written first.
      await this.recording.close();
      await new Promise<void>((resolve) => this.#io.close(() => resolve()));
      await this.#cluster.close();
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

/** http.listen, with the failures a user makes (address in use, not on this machine) as one clear error. */
async function listen(http: FastifyInstance, host: string, port: number): Promise<void> {
  try {
    await http.listen({ host, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${host}:${port}`;
    const hint: Record<string, string> = {
      EADDRINUSE: `${where} is already in use by another program: stop it or choose another --port`,
      EADDRNOTAVAIL: `${host} is not an address of this machine: use one of its addresses (or 0.0.0.0 for all) with --host`,
      ENOTFOUND: `${host} is not a known host name: use an address of this machine with --host`,
      EAI_AGAIN: `${host} could not be resolved: use an address of this machine with --host`,
      EACCES: `no permission to listen on ${where}: ports below 1024 need privileges; choose another --port`,
    };
    const message = (code && hint[code]) ?? `cannot listen on ${where}: ${(error as Error).message}`;
    throw new AffectcastError('LISTEN_FAILED', message, { cause: error });
  }
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** A live stream that is not analysed (failed, or no free decoder) is told to its publisher and to the room's pages. */
function wireUnanalysed(forks: ForkManager, hub: AffectHub, sfu: SfuNamespace, metrics: Metrics): () => void {
  const onUnanalysed = (room: { id: string }, peer: { id: string }, producer: { id: string }, reason: string) => {
    metrics.unanalysedStreams.inc();
    sfu.to(peerChannel(peer.id)).emit('analysisStopped', { producerId: producer.id, reason });
    hub.streamEnded(room.id, { peerId: peer.id, producerId: producer.id, cause: 'failed', reason });
  };
  forks.observer.on('unanalysed', onUnanalysed);
  return () => forks.observer.off('unanalysed', onUnanalysed);
}

function wireWorkerGauge(pool: WorkerPool, metrics: Metrics): () => void {
  const update = () => metrics.workers.set(pool.workers.length);
  update();
  pool.observer.on('newworker', update);
  pool.observer.on('workerdied', update);
  return () => {
    pool.observer.off('newworker', update);
    pool.observer.off('workerdied', update);
  };
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
