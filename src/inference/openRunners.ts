// The runners of a profile's models: on worker threads (config models.inferenceThreads > 0, the default),
// or in-process on the main thread (0; simpler to debug, but inference then blocks the event loop). Each
// model runs on its configured execution provider (cpu where that cannot start, logged with the reason)
// and, where its settings say so, behind a BatchingRunner that batches across streams; with config
// inference.remote, the chosen models run on a KServe v2 server in front of the local sessions (src/inference/kserve).
import type { Config } from '../config/schema.js';
import type { EnhancedEventEmitter } from '../events/EnhancedEventEmitter.js';
import type { Logger } from '../log/logger.js';
import { batchingOn, batchSettings } from './batchDefaults.js';
import { BatchingRunner, isBatchable } from './BatchingRunner.js';
import type { BatchSettings, ExecutionProvider, ModelExecution, SessionExecution } from './execution.js';
import { InferencePool } from './InferencePool.js';
import { InferenceObserver, ObservedRunner } from './ObservedRunner.js';
import { openRemoteRunners, type RemoteInferenceConfig } from './kserve/openRemoteRunners.js';
import type { RemoteInferenceEvents } from './kserve/RemoteInferenceEvents.js';
import type { InferenceRunner } from './InferenceRunner.js';
import { OrtInferenceRunner } from './OrtInferenceRunner.js';
import type { VerifiedModel } from './verifiedModel.js';

export interface ModelRunners {
  runner(id: string): InferenceRunner;
  /** What runs each model: provider, threads, batching. */
  readonly execution: readonly ModelExecution[];
  /** With inference.remote: request, retry, fallback and recovered events, for metrics. */
  readonly remoteEvents?: EnhancedEventEmitter<RemoteInferenceEvents>;
  /** Every run's duration and every failed run, per model, for metrics. */
  readonly observer: InferenceObserver;
  /** Inference worker threads alive now (0 when the models run on the main thread). */
  workers(): number;
  /** Releases every session (and thread); idempotent. */
  close(): Promise<void>;
}

export interface OpenRunnersOptions {
  threads: number;
  intraOpNumThreads: number;
  /** Provider of every model not named in `providers`; cpu where absent. */
  executionProvider?: ExecutionProvider | undefined;
  providers?: Readonly<Record<string, ExecutionProvider>> | undefined;
  /** Batching per model id, over the measured defaults of the provider it runs on. */
  batching?: Readonly<Record<string, BatchSettings>> | undefined;
  logger: Logger;
  /** config inference.remote: these models run on the server, falling back to the local runners. */
  remote?: RemoteInferenceConfig | undefined;
}

/** The inference part of the configuration, as openRunners takes it. */
export function inferenceOptions(config: Config, logger: Logger): OpenRunnersOptions {
  const m = config.models;
  return { threads: m.inferenceThreads, intraOpNumThreads: m.intraOpThreads, executionProvider: m.executionProvider, providers: m.providers, batching: m.batching, remote: config.inference.remote, logger };
}

/** The runner of each opened model, by id; an id that was not opened is a programming error. */
function lookup<T>(runners: ReadonlyMap<string, T>): (id: string) => T {
  return (id) => {
    const r = runners.get(id);
    if (!r) throw new RangeError(`model '${id}' was not opened`);
    return r;
  };
}

interface Sessions {
  runner(id: string): InferenceRunner;
  execution: readonly SessionExecution[];
  workers(): number;
  close(): Promise<void>;
}

async function openSessions(models: VerifiedModel[], providers: Record<string, ExecutionProvider>, options: OpenRunnersOptions): Promise<Sessions> {
  const log = options.logger.child({ component: 'inference' });
  if (options.threads > 0) {
    const pool = await InferencePool.start(models, { threads: options.threads, intraOpNumThreads: options.intraOpNumThreads, providers, logger: options.logger });
    return { runner: (id) => pool.runner(id), execution: pool.execution, workers: () => pool.threads, close: () => pool.close() };
  }
  const runners = new Map<string, OrtInferenceRunner>();
  try {
    for (const m of models) {
      const runner = await OrtInferenceRunner.create(m, { intraOpNumThreads: options.intraOpNumThreads, executionProvider: providers[m.manifest.id] });
      runners.set(m.manifest.id, runner);
      const e = runner.execution;
      if (e.fallbackReason !== undefined) log.warn({ model: e.model, requested: e.requested, provider: e.provider, reason: e.fallbackReason }, `model '${e.model}' runs on ${e.provider}: ${e.requested} could not start`);
    }
  } catch (error) {
    await Promise.all([...runners.values()].map((r) => r.close()));
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    runner: lookup(runners),
    execution: [...runners.values()].map((r) => r.execution),
    workers: () => 0,
    close: () => (closing ??= Promise.all([...runners.values()].map((r) => r.close())).then(() => undefined)),
  };
}

export async function openRunners(models: VerifiedModel[], options: OpenRunnersOptions): Promise<ModelRunners> {
  const log = options.logger.child({ component: 'inference' });
  const providers = Object.fromEntries(models.map((m) => [m.manifest.id, options.providers?.[m.manifest.id] ?? options.executionProvider ?? 'cpu']));
  const sessions = await openSessions(models, providers, options);
  // the server in front of the local sessions, which stay open beneath it as the fallback
  const local = options.remote === undefined ? sessions : await openRemoteRunners(sessions, models.map((m) => m.manifest), options.remote, options.logger);
  // batching follows the provider that actually runs the model (a cuda fallback gets cpu's settings)
  const execution: ModelExecution[] = sessions.execution.map((e) => {
    const model = models.find((m) => m.manifest.id === e.model)!;
    const wanted = batchSettings(e.model, e.provider, options.batching);
    if (batchingOn(wanted) && !isBatchable(model.manifest)) {
      if (options.batching?.[e.model] !== undefined) log.warn({ model: e.model }, `model '${e.model}' has a fixed batch size: models.batching for it is ignored`);
      return Object.freeze({ ...e, batch: { windowMs: 0, maxBatch: 1 } });
    }
    return Object.freeze({ ...e, batch: batchingOn(wanted) ? wanted : { windowMs: 0, maxBatch: 1 } });
  });
  const runners = new Map<string, InferenceRunner>();
  const observer = new InferenceObserver();
  observer.onListenerError = (event, error) => log.error({ err: error, event }, 'inference observer listener failed');
  for (const e of execution) {
    // observed beneath the batcher: one run is one batch, as the session (or server) executes it
    const inner = new ObservedRunner(local.runner(e.model), observer);
    let failures = 0;
    const onBatchFailed = (error: Error, callers: number): void => {
      // the first failure says why; later ones would repeat it at frame rate
      if (failures++ === 0) log.error({ model: e.model, callers, err: error }, 'an inference batch failed; its callers were rejected, later batches run as usual');
    };
    runners.set(e.model, batchingOn(e.batch) ? new BatchingRunner(inner, { ...e.batch, onBatchFailed }) : inner);
  }
  log.info({ execution }, 'inference runners ready');
  let closing: Promise<void> | undefined;
  return {
    runner: lookup(runners),
    execution: Object.freeze(execution),
    observer,
    workers: () => sessions.workers(),
    ...('remoteEvents' in local ? { remoteEvents: local.remoteEvents } : {}),
    close: () => (closing ??= Promise.all([...runners.values()].map((r) => r.close())).then(() => local.close())),
  };
}
