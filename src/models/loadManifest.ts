// The one way to open a model: its manifest is validated, and the file beside it must have exactly the
// size and sha256 the manifest records, so the analyzer never runs weights other than those described.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AffectcastError } from '../contracts/errors.js';
import { ModelManifestSchema, type ModelManifest } from './manifest.js';
import { sha256Bytes } from './sha256.js';

export interface LoadedManifest {
  manifest: ModelManifest;
  manifestPath: string;
  /** Absolute path of the model file the manifest describes. */
  modelPath: string;
  /** The file's bytes, exactly those that were checked: a session made from them runs the described weights. */
  bytes: Buffer;
}

export const BUILD_COMMAND = 'affectcast models build';

export function manifestPathFor(dir: string, id: string): string {
  return path.join(dir, `${id}.json`);
}

function missing(id: string, problem: string): AffectcastError {
  return new AffectcastError('MODEL_MISSING', `model '${id}': ${problem}; run \`${BUILD_COMMAND}\` to (re)create it`);
}

/** Reads and validates the manifest only (no file checks): for listings. */
export function readManifest(dir: string, id: string): { manifest: ModelManifest; manifestPath: string } {
  const manifestPath = manifestPathFor(dir, id);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch (err) {
    const absent = err instanceof Error && 'code' in err && err.code === 'ENOENT';
    throw missing(id, absent ? `${manifestPath} does not exist` : `${manifestPath} is not readable JSON (${String(err)})`);
  }
  const parsed = ModelManifestSchema.safeParse(raw);
  if (!parsed.success) throw missing(id, `${manifestPath} is not a valid manifest: ${z.prettifyError(parsed.error)}`);
  const manifest = parsed.data;
  if (manifest.id !== id) throw missing(id, `${manifestPath} describes '${manifest.id}'`);
  // The file must sit beside its manifest; a path would let a manifest point anywhere on disk.
  if (path.basename(manifest.file) !== manifest.file) throw missing(id, `${manifestPath} names a file outside its folder (${manifest.file})`);
  return { manifest, manifestPath };
}

/** Manifest + file check. Throws AffectcastError('MODEL_MISSING') naming the file and the command that fixes it. */
export function loadManifest(dir: string, id: string): LoadedManifest {
  const { manifest, manifestPath } = readManifest(dir, id);
  const modelPath = path.resolve(dir, manifest.file);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(modelPath);
  } catch {
    throw missing(id, `${modelPath} does not exist (its manifest ${manifestPath} does)`);
  }
  if (bytes.length !== manifest.bytes) throw missing(id, `${modelPath} has ${bytes.length} bytes, its manifest says ${manifest.bytes}`);
  const sha256 = sha256Bytes(bytes);
  if (sha256 !== manifest.sha256) {
    throw missing(id, `${modelPath} does not match its manifest (sha256 ${sha256.slice(0, 12)}…, expected ${manifest.sha256.slice(0, 12)}…)`);
  }
  return { manifest, manifestPath, modelPath, bytes };
}
