// Which of the export's heads may be reported. A head is reported only if its weights were trained (or the
// operator explicitly allowed untrained exports for benchmarking); an AU head with any untrained unit
// (e.g. AU20, which the 12-AU Aff-Wild2 release does not label) is withheld whole, because an AffectEvent
// carries all eight AUs or none.
import { modelProvenance } from '../../contracts/provenance.js';
import type { ModelManifest } from '../../models/manifest.js';

export interface AvmtHeads {
  va: boolean;
  au: boolean;
  expression: boolean;
  /** 'model:avmt@<version>' */
  provenance: string;
  /** Head names withheld, for the start-up log. */
  withheld: string[];
}

export function avmtHeads(manifest: ModelManifest, allowUntrained: boolean): AvmtHeads {
  const { status, heads = {} } = manifest.provenance;
  const trained = (prefix: string): boolean => {
    if (allowUntrained) return true;
    if (status === 'untrained') return false;
    return Object.entries(heads).every(([name, s]) => !(name === prefix || name.startsWith(`${prefix}.`)) || s !== 'untrained');
  };
  const result = { va: trained('va'), au: trained('au'), expression: trained('expr') };
  return {
    ...result,
    provenance: modelProvenance(manifest.id, manifest.version),
    withheld: Object.entries(result).filter(([, ok]) => !ok).map(([name]) => name),
  };
}
