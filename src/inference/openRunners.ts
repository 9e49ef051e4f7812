// The runners of a profile's models: on worker threads (config models.inferenceThreads > 0, the default),
// or in-process on the main thread (0; simpler to debug, but inference then blocks the event loop); and,
// with config inference.remote, on a KServe v2 server in front of them (src/inference/kserve).
import type { EnhancedEventEmitter } from '../events/EnhancedEventEmitter.js';
import type { Logger } from '../log/logger.js';
import { InferencePool } from './InferencePool.js';
import { openRemoteRunners, type RemoteInferenceConfig } from './kserve/openRemoteRunners.js';
import type { RemoteInferenceEvents } from './kserve/RemoteInferenceEvents.js';
import type { InferenceRunner } from './InferenceRunner.js';
import { OrtInferenceRunner } from './OrtInferenceRunner.js';
import type { VerifiedModel } from './verifiedModel.js';

export interface ModelRunners {
  runner(id: string): InferenceRunner;
  /** With inference.remote: request, retry, fallback and recovered events, for metrics. */
  readonly remoteEvents?: EnhancedEventEmitter<RemoteInferenceEvents>;
  /** Releases every session (and thread); idempotent. */
  close(): Promise<void>;
}

export interface OpenRunnersOptions {
  threads: number;
  intraOpNumThreads: number;
  logger: Logger;
  /** config inference.remote: these models run on the server, falling back to the local runners. */
  remote?: RemoteInferenceConfig | undefined;
}

export async function openRunners(models: VerifiedModel[], options: OpenRunnersOptions): Promise<ModelRunners> {
  const local = await openLocalRunners(models, options);
  return options.remote === undefined ? local : openRemoteRunners(local, models.map((m) => m.manifest), options.remote, options.logger);
}

async function openLocalRunners(models: VerifiedModel[], options: OpenRunnersOptions): Promise<ModelRunners> {
  if (options.threads > 0) {
    const pool = await InferencePool.start(models, options);
    return { runner: (id) => pool.runner(id), close: () => pool.close() };
  }
  const runners = new Map<string, OrtInferenceRunner>();
  try {
    for (const m of models) runners.set(m.manifest.id, await OrtInferenceRunner.create(m, { intraOpNumThreads: options.intraOpNumThreads }));
  } catch (error) {
    await Promise.all([...runners.values()].map((r) => r.close()));
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    runner: (id) => {
      const r = runners.get(id);
      if (!r) throw new RangeError(`model '${id}' was not opened`);
      return r;
    },
    close: () => (closing ??= Promise.all([...runners.values()].map((r) => r.close())).then(() => undefined)),
  };
}
