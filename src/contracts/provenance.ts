// Every value in an AffectEvent says where it came from, in one of three forms:
//   'model:<id>@<version>'   output of a trained or pretrained model named by its manifest
//   'estimator:<name>'       a documented heuristic (README: what these numbers are and are not)
//   'unavailable'            this model profile has no source for the value (the value is null)
import { UNAVAILABLE } from './labels.js';

export type ProvenanceKind = 'model' | 'estimator' | 'unavailable';

export const modelProvenance = (id: string, version: string): string => `model:${id}@${version}`;
export const estimatorProvenance = (name: string): string => `estimator:${name}`;

export function provenanceKind(provenance: string): ProvenanceKind {
  if (provenance.startsWith('model:')) return 'model';
  if (provenance.startsWith('estimator:')) return 'estimator';
  if (provenance === UNAVAILABLE) return 'unavailable';
  throw new Error(`unknown provenance form: ${provenance}`);
}
