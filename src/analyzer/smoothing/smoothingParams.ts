import type { Config } from '../../config/schema.js';
import type { OneEuroParams } from './OneEuroFilter.js';

/** The One-Euro parameters of config analyzer.smoothing, or null when smoothing is switched off. */
export function smoothingParams(config: Config): OneEuroParams | null {
  const { enabled, minCutoff, beta, dCutoff } = config.analyzer.smoothing;
  return enabled ? { minCutoff, beta, dCutoff } : null;
}
