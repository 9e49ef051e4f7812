// One KServe v2 server shared by the runners of the models sent to it, and the switch between it and the
// local models (a circuit breaker): while the server serves, batches go to it, each attempt bounded by
// timeoutMs and retried with a doubling backoff after a timeout, a refused connection or a 5xx. When a
// batch still fails (or the server is down at start), every remote model falls back to its local
// session, logged once at warn with the reason; a request at most every probeIntervalMs then checks in
// the background whether the server is ready again with the same models, and says so when it is.
import { setTimeout as sleep } from 'node:timers/promises';
import { AffectcastError } from '../../contracts/errors.js';
import { EnhancedEventEmitter } from '../../events/EnhancedEventEmitter.js';
import type { Logger } from '../../log/logger.js';
import type { ModelManifest } from '../../models/manifest.js';
import type { Float32Tensor } from '../InferenceRunner.js';
import { modelMetadataProblems } from './checkModelMetadata.js';
import { KserveClient } from './KserveClient.js';
import { BINARY_TENSOR_EXTENSION } from './protocol.js';
import type { RemoteInferenceEvents } from './RemoteInferenceEvents.js';
import { asRemoteError, RemoteInferenceError } from './RemoteInferenceError.js';

export interface RemoteInferenceOptions {
  url: string;
  timeoutMs: number;
  retries: number;
  retryBackoffMs: number;
  probeIntervalMs: number;
}

export type RemoteAttempts =
  | { ok: true; outputs: Record<string, Float32Tensor>; attempts: number }
  | { ok: false; failure: RemoteInferenceError; attempts: number };

/** Longest wait between two attempts, however many retries are configured. */
const MAX_BACKOFF_MS = 2_000;

export class KserveBackend {
  readonly observer = new EnhancedEventEmitter<RemoteInferenceEvents>();
  readonly #client: KserveClient;
  readonly #options: RemoteInferenceOptions;
  readonly #manifests: readonly ModelManifest[];
  readonly #log: Logger;
  readonly #closing = new AbortController();
  /** Binary tensor extension, where the server lists it; JSON values otherwise. */
  #binary = true;
  /** Local since this time (ms since epoch), or null while the server serves. */
  #downSince: number | null = null;
  /** Bumped on every switch, so that a request that began before a switch cannot switch again. */
  #epoch = 0;
  #lastProbe = 0;
  #probe: Promise<void> | null = null;
  #mismatchReported = false;
  #closed = false;

  private constructor(options: RemoteInferenceOptions, manifests: readonly ModelManifest[], logger: Logger) {
    this.#options = options;
    this.#manifests = manifests;
    this.#client = new KserveClient({ url: options.url, timeoutMs: options.timeoutMs });
    this.#log = logger.child({ component: 'kserve', url: this.#client.url });
    this.observer.onListenerError = (event, error) => this.#log.error({ err: error, event }, 'a remote inference listener threw');
  }

  /**
   * Checks the server and every model against its manifest. A served model that differs is refused
   * (MODEL_MISSING, naming every difference); a server that cannot be reached, or whose models are not
   * ready, is not an error: the models start locally and the server is probed again later.
   */
  static async connect(options: RemoteInferenceOptions, manifests: readonly ModelManifest[], logger: Logger): Promise<KserveBackend> {
    const backend = new KserveBackend(options, manifests, logger);
    try {
      const problem = await backend.#check();
      if (problem === null) backend.#log.info({ models: manifests.map((m) => m.id), binary: backend.#binary }, 'remote inference ready');
      else backend.#fallBack(problem, null);
    } catch (error) {
      backend.close();
      throw error;
    }
    return backend;
  }

  /** Whether batches go to the server now. */
  get serving(): boolean {
    return this.#downSince === null && !this.#closed;
  }

  /** The switch generation; pass it back to fail() so that a stale failure cannot trip a recovered server. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Runs a batch on the server, with timeouts and retries: its outputs, or the last failure. */
  async infer(manifest: ModelManifest, feeds: Readonly<Record<string, Float32Tensor>>): Promise<RemoteAttempts> {
    for (let attempt = 1; ; attempt++) {
      try {
        return { ok: true, outputs: await this.#client.infer(manifest, feeds, this.#binary), attempts: attempt };
      } catch (error) {
        // a tensor that does not fill its dims is the caller's mistake, not the server's: no fallback for it
        if (error instanceof RangeError) throw error;
        const failure = asRemoteError(error);
        if (!failure.retryable || attempt > this.#options.retries || this.#closed) return { ok: false, failure, attempts: attempt };
        const delayMs = Math.min(MAX_BACKOFF_MS, this.#options.retryBackoffMs * 2 ** (attempt - 1));
        this.observer.safeEmit('retry', { model: manifest.id, attempt, delayMs, reason: failure.message });
        this.#log.debug({ model: manifest.id, attempt, delayMs, reason: failure.message }, 'remote inference attempt failed; retrying');
        const slept = await sleep(delayMs, true, { signal: this.#closing.signal }).catch(() => false);
        if (!slept) return { ok: false, failure, attempts: attempt };
      }
    }
  }

  /** A batch failed on the server for good: every remote model falls back to local (once per episode). */
  fail(error: RemoteInferenceError, model: string, epoch: number): void {
    if (epoch !== this.#epoch || !this.serving) return;
    this.#fallBack(error.message, model);
  }

  /** While local, starts a background check of the server at most every probeIntervalMs. */
  probeIfDue(): void {
    if (this.serving || this.#closed || this.#probe !== null) return;
    if (Date.now() - this.#lastProbe < this.#options.probeIntervalMs) return;
    this.#lastProbe = Date.now();
    this.#probe = this.#check()
      .then(
        (problem) => {
          if (this.#closed || this.#downSince === null) return;
          if (problem !== null) {
            this.#log.debug({ reason: problem }, 'remote inference still unavailable');
            return;
          }
          const downMs = Date.now() - this.#downSince;
          this.#downSince = null;
          this.#mismatchReported = false;
          this.#epoch++;
          this.#log.info({ downMs, binary: this.#binary }, 'remote inference recovered: models run on the server again');
          this.observer.safeEmit('recovered', { downMs });
        },
        (error: unknown) => {
          // the server is back with different models: stay local, and say why at error (once per episode)
          if (this.#closed || this.#mismatchReported) return;
          this.#mismatchReported = true;
          this.#log.error({ reason: (error as Error).message }, 'remote inference server is back with models that differ from their manifests; staying local');
        },
      )
      .finally(() => {
        this.#probe = null;
      });
  }

  /** Idempotent: aborts requests and probes in flight and closes the sockets. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort();
    this.#client.close();
  }

  #fallBack(reason: string, model: string | null): void {
    this.#downSince = Date.now();
    this.#lastProbe = Date.now();
    this.#epoch++;
    this.#log.warn({ reason, model }, 'remote inference unavailable: running on the local models until the server answers again');
    this.observer.safeEmit('fallback', { reason, model });
  }

  /**
   * null when the server is ready with every model as its manifest says; otherwise why it cannot serve now.
   * Throws MODEL_MISSING when a model it serves differs from its manifest.
   */
  async #check(): Promise<string | null> {
    try {
      this.#binary = await this.#client.serverMetadata().then(
        (server) => server.extensions.includes(BINARY_TENSOR_EXTENSION),
        (error: unknown) => {
          // a server without /v2 metadata may still infer: values then travel as JSON
          if (error instanceof RemoteInferenceError && error.kind === 'rejected') return false;
          throw error;
        },
      );
      for (const manifest of this.#manifests) {
        if (!(await this.#client.modelReady(manifest.id))) return `model '${manifest.id}' is not ready on the server`;
        const problems = modelMetadataProblems(manifest, await this.#client.modelMetadata(manifest.id));
        if (problems.length > 0) {
          throw new AffectcastError('MODEL_MISSING', `remote inference server ${this.#client.url}: model '${manifest.id}' does not match its manifest: ${problems.join('; ')}`);
        }
      }
      return null;
    } catch (error) {
      if (error instanceof AffectcastError) throw error;
      return asRemoteError(error).message;
    }
  }
}
