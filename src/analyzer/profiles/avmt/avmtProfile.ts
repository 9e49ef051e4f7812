// The 'avmt' profile: BlazeFace for detection and alignment, then the paper's network exported by models/avmt
// as one streaming step. An untrained export is refused unless the operator passed --allow-untrained
// (benchmarks only): its numbers would look like measurements and mean nothing.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../../config/schema.js';
import { AffectcastError } from '../../../contracts/errors.js';
import { inferenceOptions, openRunners } from '../../../inference/openRunners.js';
import { loadVerifiedModel } from '../../../inference/verifiedModel.js';
import { MODEL_IDS } from '../../../inference/VisionModels.js';
import type { Logger } from '../../../log/logger.js';
import { createAvmtStreamAnalyzer } from './AvmtFaceModels.js';
import { avmtHeads } from '../../avmt/avmtHeads.js';
import { readAvmtPreprocessing } from '../../avmt/avmtPreprocessing.js';
import type { AnalysisProfile } from '../AnalysisProfile.js';
import { smoothingParams } from '../../smoothing/smoothingParams.js';

export const AVMT_MODEL_ID = 'avmt';

export async function loadAvmtProfile(config: Config, logger: Logger): Promise<AnalysisProfile> {
  const { dir, allowUntrained } = config.models;
  const log = logger.child({ component: 'profile', profile: 'avmt' });
  const network = await loadVerifiedModel(dir, AVMT_MODEL_ID, { allowUntrained }).catch((error: unknown) => {
    if (error instanceof AffectcastError && error.code === 'MODEL_UNTRAINED') {
      throw new AffectcastError(
        'MODEL_UNTRAINED',
        `the avmt export in ${dir} is untrained (random weights): its outputs would mean nothing. ` +
          'Train it on Aff-Wild2 (python3 -m models.avmt train) and export the checkpoint, ' +
          'or start with --allow-untrained to benchmark speed only.',
      );
    }
    if (error instanceof AffectcastError && error.code === 'MODEL_MISSING' && !fs.existsSync(path.join(dir, `${AVMT_MODEL_ID}.json`))) {
      throw new AffectcastError(
        'MODEL_MISSING',
        `no export of the paper's network in ${dir}: train one (python3 -m models.avmt train) and export it with ` +
          `/usr/bin/python3 -m models.avmt export --checkpoint RUN/best.pt --out ${dir} ` +
          '(or --untrained, for speed benchmarks with --allow-untrained).',
      );
    }
    throw error;
  });
  const preprocessing = readAvmtPreprocessing(network.manifest);
  const heads = avmtHeads(network.manifest, allowUntrained);
  const runners = await openRunners([network, await loadVerifiedModel(dir, MODEL_IDS.detector)], inferenceOptions(config, logger));
  const runner = runners.runner(AVMT_MODEL_ID);
  const detector = runners.runner(MODEL_IDS.detector);
  if (network.manifest.provenance.status === 'untrained') {
    log.warn('serving an UNTRAINED avmt export (--allow-untrained): for benchmarks only, its values mean nothing');
  }
  if (heads.withheld.length > 0) log.warn({ heads: heads.withheld }, 'avmt heads without trained weights are reported as unavailable');
  log.info({ version: network.manifest.version }, 'avmt profile loaded');
  return {
    name: 'avmt',
    model: { id: network.manifest.id, version: network.manifest.version },
    audioWindowMs: preprocessing.audio?.windowMs ?? 0,
    execution: runners.execution,
    inference: runners,
    createStreamAnalyzer: ({ audio }) =>
      createAvmtStreamAnalyzer({
        detector,
        network: runner,
        preprocessing,
        heads,
        minFaceScore: config.analyzer.minFaceScore,
        maxFaces: config.analyzer.maxFaces,
        lostAfterFrames: config.analyzer.lostAfterFrames,
        smoothing: smoothingParams(config),
        audio,
      }),
    close: () => runners.close(),
  };
}
