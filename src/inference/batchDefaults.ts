// Batching defaults per execution provider and model, chosen from measurement (README "Batching"; the
// numbers and the command that made them are there). Config models.batching overrides them per model.
import { BATCHING_OFF, type BatchSettings, type ExecutionProvider } from './execution.js';

const MEASURED: Readonly<Record<ExecutionProvider, Readonly<Record<string, BatchSettings>>>> = {
  cpu: {},
  cuda: {},
  webgpu: {},
};

/** The settings for `model` on `provider`: the configured ones, else the measured default, else off. */
export function batchSettings(model: string, provider: ExecutionProvider, configured: Readonly<Record<string, BatchSettings>> = {}): BatchSettings {
  return configured[model] ?? MEASURED[provider][model] ?? BATCHING_OFF;
}

export const batchingOn = (s: BatchSettings): boolean => s.windowMs > 0 && s.maxBatch > 1;
