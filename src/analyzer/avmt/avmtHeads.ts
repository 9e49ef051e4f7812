// Which of the export's heads may be reported, and under which provenance. A head of a trained export is
// reported only when its manifest records real training: at least MIN_TRAINING.epochs epochs and at least
// MIN_TRAINING.labelledFrames labelled frames for that head (a head that saw no labels, like AU20 with the
// 12-AU Aff-Wild2 release, or a checkpoint saved after a smoke run, gives numbers that mean nothing). An AU
// head with any untrained unit is withheld whole, because an AffectEvent carries all eight AUs or none.
// --allow-untrained applies to untrained exports only (speed benchmarks): every value it lets through is
// marked 'untrained:model:…'. It never unlocks a withheld head of a trained export.
import { UNAVAILABLE } from '../../contracts/labels.js';
import { modelProvenance, untrainedModelProvenance } from '../../contracts/provenance.js';
import type { ModelManifest } from '../../models/manifest.js';

/** The least training a head's manifest must record for its values to be reported as a model's. */
export const MIN_TRAINING = Object.freeze({ epochs: 1, labelledFrames: 1000 });

export type AvmtHead = 'va' | 'au' | 'expression';
/** Manifest head names (the export's output names) for each reported group. */
const MANIFEST_HEAD: Record<AvmtHead, string> = { va: 'va', au: 'au', expression: 'expr' };

export interface AvmtHeads {
  va: boolean;
  au: boolean;
  expression: boolean;
  /** Per head: 'model:avmt@<version>', 'untrained:model:avmt@<version>' (--allow-untrained), or 'unavailable'. */
  provenance: Record<AvmtHead, string>;
  /** Head names withheld, for the start-up log. */
  withheld: AvmtHead[];
}

/** Why a trained export's head does not count as trained, or null when it does. */
export function untrainedReason(manifest: ModelManifest, head: string): string | null {
  const { heads = {}, training } = manifest.provenance;
  const marked = Object.entries(heads).find(([name, s]) => (name === head || name.startsWith(`${head}.`)) && s === 'untrained');
  if (marked !== undefined) return `${marked[0]} is marked untrained`;
  if (manifest.provenance.status === 'pretrained') return null; // real third-party weights, named in source
  if (training === undefined) return 'the manifest records no training';
  if (training.epochs < MIN_TRAINING.epochs) return `trained for ${training.epochs} epochs (< ${MIN_TRAINING.epochs})`;
  const frames = training.labelled?.[head];
  if (frames === undefined || frames < MIN_TRAINING.labelledFrames) {
    return `${frames ?? 'no'} labelled frames recorded for ${head} (< ${MIN_TRAINING.labelledFrames})`;
  }
  return null;
}

export function avmtHeads(manifest: ModelManifest, allowUntrained: boolean): AvmtHeads {
  const exportUntrained = manifest.provenance.status === 'untrained';
  const model = modelProvenance(manifest.id, manifest.version);
  const untrained = untrainedModelProvenance(manifest.id, manifest.version);
  const provenance = {} as Record<AvmtHead, string>;
  for (const head of ['va', 'au', 'expression'] as const) {
    if (exportUntrained) provenance[head] = allowUntrained ? untrained : UNAVAILABLE;
    else provenance[head] = untrainedReason(manifest, MANIFEST_HEAD[head]) === null ? model : UNAVAILABLE;
  }
  const reported = (h: AvmtHead): boolean => provenance[h] !== UNAVAILABLE;
  return {
    va: reported('va'),
    au: reported('au'),
    expression: reported('expression'),
    provenance,
    withheld: (['va', 'au', 'expression'] as const).filter((h) => !reported(h)),
  };
}
