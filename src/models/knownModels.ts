// Which models a directory should hold: the default profile's, plus any other manifest found there
// (e.g. the PyTorch exporter's models/avmt output written into the same folder).
import fs from 'node:fs';
import { modelVersion } from './modelVersion.js';
import { resolvePackage } from './packages.js';
import { DEFAULT_MODEL_IDS, MODEL_SPECS } from './specs/index.js';

const ID = /^[a-z0-9][a-z0-9-]*$/;

export function knownModelIds(dir: string): string[] {
  let found: string[] = [];
  try {
    found = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .filter((id) => ID.test(id));
  } catch {
    // No directory yet: only the default models, all reported missing.
  }
  return [...DEFAULT_MODEL_IDS, ...found.filter((id) => !DEFAULT_MODEL_IDS.includes(id)).sort()];
}

/**
 * The version `models build` would write now; undefined for a model it does not build, or when the source
 * package is not installed (a production image may ship converted models without the npm packages).
 */
export function expectedVersion(id: string): string | undefined {
  const spec = MODEL_SPECS.find((s) => s.id === id);
  if (!spec) return undefined;
  try {
    return modelVersion(spec.resolveSource?.() ?? resolvePackage(spec.sourcePackage));
  } catch {
    return undefined;
  }
}
