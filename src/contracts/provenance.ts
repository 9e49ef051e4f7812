// Every value in an AffectEvent says where it came from, in one of four forms:
//   'model:<id>@<version>'            output of a trained or pretrained model named by its manifest; a
//                                     documented, versioned mapping of its outputs appends '+<mapping>' to the
//                                     version (e.g. model:mediapipe-blendshapes@float16-1+conv.2+au-map-v1)
//   'untrained:model:<id>@<version>'  output of an untrained export, let through by --allow-untrained for
//                                     benchmarks: the pages mark it, and it means nothing
//   'estimator:<name>'                a documented heuristic (README: what these numbers are and are not)
//   'unavailable'                     this model profile has no source for the value (the value is null)
import { UNAVAILABLE } from './labels.js';

export type ProvenanceKind = 'model' | 'untrained' | 'estimator' | 'unavailable';

export const modelProvenance = (id: string, version: string): string => `model:${id}@${version}`;
/** A model's outputs passed through a documented, versioned mapping (e.g. blendshapes → AUs). */
export const mappedModelProvenance = (id: string, version: string, mapping: string): string => `model:${id}@${version}+${mapping}`;
export const untrainedModelProvenance = (id: string, version: string): string => `untrained:${modelProvenance(id, version)}`;
export const estimatorProvenance = (name: string): string => `estimator:${name}`;

export function provenanceKind(provenance: string): ProvenanceKind {
  if (provenance.startsWith('model:')) return 'model';
  if (provenance.startsWith('untrained:model:')) return 'untrained';
  if (provenance.startsWith('estimator:')) return 'estimator';
  if (provenance === UNAVAILABLE) return 'unavailable';
  throw new Error(`unknown provenance form: ${provenance}`);
}
