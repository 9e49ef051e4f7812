// Reads a model's manifest and file and refuses anything that does not match: the only way the
// analyzer obtains model bytes. When src/models' loadManifest lands, loadVerifiedModel delegates to it.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AffectcastError } from '../contracts/errors.js';
import { ModelManifestSchema, type ModelManifest } from '../models/manifest.js';

export interface VerifiedModel {
  manifest: ModelManifest;
  /** Absolute path of the model file. */
  file: string;
  /** The file's bytes, hashed and checked against the manifest (so the session loads exactly these). */
  bytes: Uint8Array;
}

export interface LoadModelOptions {
  /** Accept a manifest whose provenance says 'untrained' (benchmarks only). */
  allowUntrained?: boolean;
}

/** Loads `<dir>/<id>.json` and the file it names; MODEL_MISSING / MODEL_UNTRAINED on any mismatch. */
export async function loadVerifiedModel(dir: string, id: string, options: LoadModelOptions = {}): Promise<VerifiedModel> {
  const manifestPath = path.join(dir, `${id}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (cause) {
    throw new AffectcastError('MODEL_MISSING', `model '${id}': cannot read ${manifestPath} (run 'affectcast models build')`, { cause });
  }
  const parsed = ModelManifestSchema.safeParse(raw);
  if (!parsed.success) throw new AffectcastError('MODEL_MISSING', `model '${id}': invalid manifest ${manifestPath}: ${parsed.error.message}`);
  const manifest = parsed.data;
  if (manifest.id !== id) throw new AffectcastError('MODEL_MISSING', `model '${id}': ${manifestPath} describes '${manifest.id}'`);
  if (manifest.provenance.status === 'untrained' && options.allowUntrained !== true) {
    throw new AffectcastError('MODEL_UNTRAINED', `model '${id}' is an untrained export`);
  }
  const file = path.resolve(dir, manifest.file);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    throw new AffectcastError('MODEL_MISSING', `model '${id}': cannot read ${file}`, { cause });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.byteLength !== manifest.bytes || sha256 !== manifest.sha256) {
    throw new AffectcastError('MODEL_MISSING', `model '${id}': ${file} does not match its manifest (sha256 ${sha256})`);
  }
  return { manifest, file, bytes };
}
