// The hook between openRunners and a KServe v2 server (config inference.remote): the chosen models get a
// RemoteInferenceRunner over their local runner, the others stay as they are. The local runners stay open
// underneath, so a server that fails or goes away costs latency, never analysis.
import type { Logger } from '../../log/logger.js';
import { EnhancedEventEmitter } from '../../events/EnhancedEventEmitter.js';
import type { ModelManifest } from '../../models/manifest.js';
import type { InferenceRunner } from '../InferenceRunner.js';
import { KserveBackend, type RemoteInferenceOptions } from './KserveBackend.js';
import { displayUrl } from './KserveClient.js';
import type { RemoteInferenceEvents } from './RemoteInferenceEvents.js';
import { RemoteInferenceRunner } from './RemoteInferenceRunner.js';

export interface RemoteInferenceConfig extends RemoteInferenceOptions {
  /** Model ids sent to the server; absent: every model opened. */
  models?: readonly string[] | undefined;
}

export interface LocalRunners {
  runner(id: string): InferenceRunner;
  close(): Promise<void>;
}

export interface RemoteRunners extends LocalRunners {
  /** request, retry, fallback and recovered events, for metrics. */
  readonly remoteEvents: EnhancedEventEmitter<RemoteInferenceEvents>;
}

/**
 * Wraps `local` (already open for `manifests`), and owns it from here: closing the result closes it, and a
 * refused server (MODEL_MISSING) closes it before rejecting.
 */
export async function openRemoteRunners(local: LocalRunners, manifests: readonly ModelManifest[], config: RemoteInferenceConfig, logger: Logger): Promise<RemoteRunners> {
  const log = logger.child({ component: 'kserve', url: displayUrl(config.url) });
  const wanted = config.models ?? manifests.map((m) => m.id);
  const unknown = wanted.filter((id) => !manifests.some((m) => m.id === id));
  if (unknown.length > 0) log.warn({ models: unknown }, 'inference.remote.models names models this profile does not load; they are ignored');
  const remote = manifests.filter((m) => wanted.includes(m.id));
  if (remote.length === 0) {
    log.warn('inference.remote is set, but none of its models is loaded here: everything runs locally');
    return { remoteEvents: new EnhancedEventEmitter(), runner: (id) => local.runner(id), close: () => local.close() };
  }
  const backend = await KserveBackend.connect(config, remote, logger).catch(async (error: unknown) => {
    await local.close();
    throw error;
  });
  const runners = new Map(remote.map((m) => [m.id, new RemoteInferenceRunner(backend, local.runner(m.id))]));
  let closing: Promise<void> | undefined;
  return {
    remoteEvents: backend.observer,
    runner: (id) => runners.get(id) ?? local.runner(id),
    close: () =>
      (closing ??= (async () => {
        backend.close();
        await Promise.all([...runners.values()].map((r) => r.close()));
        await local.close();
      })()),
  };
}
