// The analyzer's only way to obtain model bytes: src/models' loadManifest checks the manifest and the
// file's size and sha256 on the bytes it read; this adds the untrained-export gate and hands those same
// bytes to the session (one read, and no gap between the check and the load).
import { AffectcastError } from '../contracts/errors.js';
import { loadManifest } from '../models/loadManifest.js';
import type { ModelManifest } from '../models/manifest.js';

export interface VerifiedModel {
  manifest: ModelManifest;
  /** Absolute path of the model file. */
  file: string;
  /** The file's bytes (the session is created from these, not from the path). */
  bytes: Uint8Array;
}

export interface LoadModelOptions {
  /** Accept a manifest whose provenance says 'untrained' (benchmarks only). */
  allowUntrained?: boolean;
}

/** Loads `<dir>/<id>.json` and the file it names; MODEL_MISSING / MODEL_UNTRAINED on any mismatch. */
export async function loadVerifiedModel(dir: string, id: string, options: LoadModelOptions = {}): Promise<VerifiedModel> {
  const { manifest, modelPath, bytes } = loadManifest(dir, id);
  if (manifest.provenance.status === 'untrained' && options.allowUntrained !== true) {
    throw new AffectcastError('MODEL_UNTRAINED', `model '${id}' is an untrained export (allow it with --allow-untrained)`);
  }
  return { manifest, file: modelPath, bytes };
}
