// What `models build` needs to know about one model: where its weights come from, how to convert them,
// and everything its manifest says besides the file's hash and size.
import type { ModelManifest } from '../manifest.js';
import type { ResolvedPackage } from '../packages.js';

export interface ConvertedModel {
  bytes: Uint8Array;
  nodeCount: number;
}

export type ManifestDescription = Pick<ModelManifest, 'inputs' | 'outputs' | 'preprocessing' | 'provenance'>;

export interface ModelSpec {
  readonly id: string;
  /** npm package holding the weights (or, with resolveSource, a repository folder); its version is part of the manifest version. */
  readonly sourcePackage: string;
  /** Files read from the package, relative to its folder (named in provenance). */
  readonly sourceFiles: readonly string[];
  /** The converter's name for manifests and ONNX metadata (default: the tfjs converter). */
  readonly converter?: string;
  /** Where the weights are when they are not an npm package (a file shipped in the repository). */
  resolveSource?(): ResolvedPackage;
  convert(pkg: ResolvedPackage): ConvertedModel;
  describe(pkg: ResolvedPackage): ManifestDescription;
}
