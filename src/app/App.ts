// The composition root: builds every long-lived part from the frozen Config, wires them together (the SFU's
// taps into the analyzer, the analyzer into the hub as its AffectSink, metrics onto every part's observer),
// and closes them in reverse order. `await using app = await App.start(config, logger)` closes it on scope exit.
// Nothing below src/app imports it.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Server as SocketIoServer } from 'socket.io';
import { PROJECT_ROOT } from '../config/schema.js';
import type { Config } from '../config/schema.js';
import { SFU_NAMESPACE } from '../contracts/sfu.js';
import { AFFECT_NAMESPACE } from '../contracts/overlay.js';
import { SESSION_NAMESPACE } from '../contracts/session.js';
import { FILE_NAMESPACE } from '../contracts/fileAnalysis.js';
import { FailureLimiter } from '../auth/FailureLimiter.js';
import { TokenIssuer, type TokenRole } from '../auth/tokens.js';
import { HttpAuth } from '../server/api/httpAuth.js';
import { loadOrCreateSecret } from '../auth/secret.js';
import type { Logger } from '../log/logger.js';
import { AffectHub } from '../overlay/AffectHub.js';
import { attachAffectNamespace, type AffectNamespace } from '../overlay/affectNamespace.js';
import { WorkerPool } from '../sfu/WorkerPool.js';
import { RoomRegistry, sfuLimits } from '../sfu/RoomRegistry.js';
import { attachSfuNamespace, type SfuNamespace } from '../sfu/signalling/attachSfuNamespace.js';
import type { ErrorPayload } from '../contracts/errors.js';
import { closeWithNotice, refuseNamespace } from '../auth/socketAuth.js';
import { AnalyzerService } from '../analyzer/AnalyzerService.js';
import { ForkManager } from '../analyzer/fork/ForkManager.js';
import type { AnalysisProfile } from '../analyzer/profiles/AnalysisProfile.js';
import { loadProfile } from '../analyzer/profiles/loadProfile.js';
import { SfuTapSource } from '../sfu/SfuTapSource.js';
import { SignallingObserver } from '../sfu/signalling/SignallingObserver.js';
import { registerHealth, type HealthStatus } from '../server/health.js';
import { Recording } from '../server/Recording.js';
import { RoomActions } from '../server/api/RoomActions.js';
import { TokenMinter } from '../server/api/TokenMinter.js';
import { originPolicy, registerApi } from '../server/api/registerApi.js';
import { attachSessionNamespace, type SessionNamespace } from '../server/sessionNamespace.js';
import { registerPages } from '../server/pages.js';
import { createHttpServer, hostForUrl, listen, secureHeaders } from '../server/httpServer.js';
import {
  attachAnalyzerMetrics,
  attachAuthMetrics,
  attachForkMetrics,
  attachInferenceMetrics,
  attachRecordingMetrics,
  attachRoomMetrics,
  attachSignallingMetrics,
  attachWorkerMetrics,
} from './attachMetrics.js';
import { Metrics } from './metrics.js';
import { wireParticipants, wireUnanalysed } from './wiring.js';
import { wireRecording } from './wireRecording.js';
import { attachFileNamespace, type FileNamespace } from '../server/fileAnalysis/attachFileNamespace.js';
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
  readonly #detachRecording: () => void;
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
    detachRecording: () => void;
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
    this.#detachRecording = parts.detachRecording;
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
      const recording = await Recording.open(config, logger);
      undo.unshift(() => recording.close());
      const detachRecordingMetrics = attachRecordingMetrics(recording, metrics);
      tokens.useRevocations(recording.store);
      const failures = new FailureLimiter(config.server.tokenFailuresPerMinute);
      const pool = await WorkerPool.create({ size: config.sfu.workers, rtcPorts: config.sfu.rtcPorts, logLevel: config.sfu.logLevel }, logger);
      undo.unshift(() => pool.close());
      const rooms = new RoomRegistry(pool, { listenIp: config.sfu.listenIp, announcedAddress: config.sfu.announcedAddress }, sfuLimits(config.limits), logger);
      undo.unshift(() => rooms.close());
      // Metrics first: they count every room, peer and fork from the first one.
      const detachMetrics = [detachRecordingMetrics, attachRoomMetrics(rooms, metrics), attachWorkerMetrics(pool, metrics), attachAuthMetrics(failures, metrics)];
      if (profile.inference) detachMetrics.push(attachInferenceMetrics(profile.inference, metrics));
      const forks = new ForkManager({ taps: new SfuTapSource(rooms), analyzer: config.analyzer, maxDecoders: config.limits.decoders, logger, filter: recording.forkFilter });
      detachMetrics.push(attachForkMetrics(forks, metrics));
      undo.unshift(() => forks.close());
      const analyzer = new AnalyzerService({ forks, profile, sink: hub, logger });
      detachMetrics.push(attachAnalyzerMetrics(analyzer.observer, metrics));
      undo.unshift(async () => analyzer.close());
      const signalling = new SignallingObserver();
      signalling.onListenerError = (event, error) => log.error({ err: error, event }, 'signalling observer listener failed');
      detachMetrics.push(attachSignallingMetrics(signalling, metrics));

      const originAllowed = originPolicy(config.server.allowedOrigins, config.server.publicUrl);
      const { http, io } = createHttpServer(originAllowed, logger);
      undo.unshift(() => new Promise((resolve) => io.close(resolve)), () => http.close());
      const state: { value: HealthStatus['state'] } = { value: 'starting' };
      await secureHeaders(http);
      registerPages(http, tokens, WEB_DIR, failures);
      let baseUrl = '';
      const minter = new TokenMinter(tokens, recording.store, () => baseUrl);
      const actions = new RoomActions(recording, rooms);
      const disconnect = (tokenId: string) => {
        for (const name of [SFU_NAMESPACE, AFFECT_NAMESPACE, SESSION_NAMESPACE, FILE_NAMESPACE]) for (const socket of io.of(name).sockets.values()) {
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
        inference: profile.execution,
      }));
      refuseNamespace(io.of('/'));
      const sfuNamespace = io.of(SFU_NAMESPACE) as SfuNamespace;
      const detach = [
        attachSfuNamespace(sfuNamespace, { rooms, tokens, consent: recording.consents, failures, observer: signalling, logger }),
        attachAffectNamespace(io.of(AFFECT_NAMESPACE) as AffectNamespace, hub, tokens, logger, failures),
        attachSessionNamespace(io.of(SESSION_NAMESPACE) as SessionNamespace, { tokens, failures, recording, actions, logger }),
        attachFileNamespace(io.of(FILE_NAMESPACE) as FileNamespace, { tokens, failures, profile, hub, recording, analyzer: config.analyzer, limits: config.limits, logger }),
        wireParticipants(rooms, hub),
        wireUnanalysed(forks, hub, sfuNamespace),
        ...detachMetrics,
      ];
      const detachRecording = wireRecording(recording, { rooms, hub, forks }, logger);
      const app = new App({ config, logger, tokens, metrics, hub, pool, rooms, recording, minter, profile, forks, analyzer, http, io, detach, detachRecording, cluster, state });
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
      for (const name of [SFU_NAMESPACE, AFFECT_NAMESPACE, SESSION_NAMESPACE, FILE_NAMESPACE]) {
        for (const socket of this.#io.of(name).sockets.values()) closeWithNotice(socket, notice);
      }
      for (const detach of this.#detach) detach();
      this.#io.disconnectSockets(true);
      this.#analyzer.close();
      const roomsClosed = this.rooms.close();
      await this.#forks.close();
      await roomsClosed;
      // After the rooms: their close ends the open sessions; queued events are written first.
      this.#detachRecording();
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
