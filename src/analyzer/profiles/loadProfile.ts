import type { Config } from '../../config/schema.js';
import type { Logger } from '../../log/logger.js';
import type { AnalysisProfile } from './AnalysisProfile.js';
import { loadAvmtProfile } from './avmt/avmtProfile.js';
import { loadDefaultProfile } from './default/defaultProfile.js';

/** The configured model profile, with its networks loaded and verified against their manifests. */
export function loadProfile(config: Config, logger: Logger): Promise<AnalysisProfile> {
  return config.models.profile === 'avmt' ? loadAvmtProfile(config, logger) : loadDefaultProfile(config, logger);
}
