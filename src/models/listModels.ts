// `affectcast models list`: what `dir` holds, whether each file matches its manifest, and whether the
// default models are current with the installed packages and converter.
import { AffectcastError } from '../contracts/errors.js';
import { expectedVersion, knownModelIds } from './knownModels.js';
import { loadManifest, readManifest } from './loadManifest.js';
import type { ModelManifest } from './manifest.js';

export interface ModelListing {
  id: string;
  /** ok: file matches its manifest; stale: matches, but `models build` would write a newer version; missing: absent or mismatched. */
  status: 'ok' | 'stale' | 'missing';
  /** Present when the manifest itself is readable and valid (even if its file is not). */
  manifest?: ModelManifest;
  /** What `models build` would write now (default models only). */
  expectedVersion?: string;
  problem?: string;
}

export function listModels(dir: string): ModelListing[] {
  return knownModelIds(dir).map((id): ModelListing => {
    const expected = expectedVersion(id);
    const base = { id, ...(expected === undefined ? {} : { expectedVersion: expected }) };
    try {
      const { manifest } = loadManifest(dir, id);
      const stale = expected !== undefined && manifest.version !== expected;
      return { ...base, status: stale ? 'stale' : 'ok', manifest };
    } catch (err) {
      if (!(err instanceof AffectcastError)) throw err;
      let manifest: ModelManifest | undefined;
      try {
        manifest = readManifest(dir, id).manifest;
      } catch {
        manifest = undefined;
      }
      return { ...base, status: 'missing', ...(manifest ? { manifest } : {}), problem: err.message };
    }
  });
}
