// `affectcast models build`: converts the default profile's models from the npm packages into `dir`,
// one <id>.onnx + <id>.json per model. Idempotent: a model whose manifest verifies (sha256, size) and
// whose version matches the installed package and converter is left alone, so setup can run it every time.
import fs from 'node:fs';
import path from 'node:path';
import { AffectcastError } from '../contracts/errors.js';
import type { Logger } from '../log/logger.js';
import { CONVERTER_NAME, CONVERTER_VERSION } from './convert/version.js';
import { loadManifest, manifestPathFor, type LoadedManifest } from './loadManifest.js';
import { ModelManifestSchema, type ModelManifest } from './manifest.js';
import { modelVersion } from './modelVersion.js';
import { resolvePackage } from './packages.js';
import { sha256Bytes } from './sha256.js';
import { MODEL_SPECS, type ModelSpec } from './specs/index.js';
import type { ManifestDescription } from './specs/ModelSpec.js';
import { writeFileAtomic } from './writeAtomic.js';

export interface BuildOptions {
  /** Reconvert even when the existing files are current. */
  force?: boolean;
  /** Restrict to these ids (default: every model of the default profile). */
  only?: readonly string[];
}

export interface BuiltModel {
  id: string;
  action: 'converted' | 'unchanged';
  /** Why it was (re)converted: 'forced', a missing or mismatched file, or a version change. */
  reason?: string;
  version: string;
  modelPath: string;
  sha256: string;
  bytes: number;
  /** Conversion time (0 when unchanged). */
  convertMs: number;
  nodeCount?: number;
}

/** The current model in `dir`, or why it must be (re)built: missing, mismatched, or another version. */
function inspect(dir: string, id: string, version: string, described: ManifestDescription): { current: LoadedManifest } | { reason: string } {
  let loaded: LoadedManifest;
  try {
    loaded = loadManifest(dir, id);
  } catch (err) {
    if (err instanceof AffectcastError && err.code === 'MODEL_MISSING') return { reason: err.message };
    throw err;
  }
  const found = loaded.manifest.version;
  if (found !== version) return { reason: `version ${found} → ${version}` };
  // Same weights, but the description (preprocessing, provenance…) may have been corrected: rewrite it.
  const { inputs, outputs, preprocessing, provenance } = loaded.manifest;
  const same = JSON.stringify({ inputs, outputs, preprocessing, provenance }) === JSON.stringify(ModelManifestSchema.pick({ inputs: true, outputs: true, preprocessing: true, provenance: true }).parse(described));
  return same ? { current: loaded } : { reason: 'manifest description changed' };
}

function buildOne(spec: ModelSpec, dir: string, logger: Logger, force: boolean): BuiltModel {
  const pkg = spec.resolveSource?.() ?? resolvePackage(spec.sourcePackage);
  const version = modelVersion(pkg);
  const described = spec.describe(pkg);
  const state = force ? { reason: 'forced' } : inspect(dir, spec.id, version, described);
  if ('current' in state) {
    const { manifest, modelPath } = state.current;
    logger.debug({ model: spec.id, version }, 'model up to date');
    return { id: spec.id, action: 'unchanged', version, modelPath, sha256: manifest.sha256, bytes: manifest.bytes, convertMs: 0 };
  }
  const { reason } = state;
  logger.info({ model: spec.id, reason }, 'converting model');
  const t0 = performance.now();
  const converted = spec.convert(pkg);
  const convertMs = performance.now() - t0;
  const file = `${spec.id}.onnx`;
  const manifest: ModelManifest = ModelManifestSchema.parse({
    manifestVersion: 1,
    id: spec.id,
    version,
    file,
    sha256: sha256Bytes(converted.bytes),
    bytes: converted.bytes.length,
    ...described,
    createdBy: `affectcast models build (${spec.converter ?? CONVERTER_NAME} ${CONVERTER_VERSION})`,
  });
  const modelPath = path.join(dir, file);
  // Model first, manifest last: if the process dies in between, the manifest no longer matches and the
  // next build (or loadManifest) notices.
  writeFileAtomic(modelPath, converted.bytes);
  writeFileAtomic(manifestPathFor(dir, spec.id), `${JSON.stringify(manifest, null, 2)}\n`);
  logger.info({ model: spec.id, version, bytes: manifest.bytes, nodes: converted.nodeCount, ms: Math.round(convertMs) }, 'model converted');
  return {
    id: spec.id,
    action: 'converted',
    reason,
    version,
    modelPath,
    sha256: manifest.sha256,
    bytes: manifest.bytes,
    convertMs,
    nodeCount: converted.nodeCount,
  };
}

export async function buildModels(dir: string, logger: Logger, options: BuildOptions = {}): Promise<BuiltModel[]> {
  const specs = options.only ? MODEL_SPECS.filter((s) => options.only?.includes(s.id)) : MODEL_SPECS;
  const unknown = (options.only ?? []).filter((id) => !MODEL_SPECS.some((s) => s.id === id));
  if (unknown.length > 0) throw new AffectcastError('NOT_FOUND', `no model named ${unknown.join(', ')} in the default profile`);
  fs.mkdirSync(dir, { recursive: true });
  const results: BuiltModel[] = [];
  for (const spec of specs) {
    try {
      results.push(buildOne(spec, dir, logger, options.force ?? false));
    } catch (err) {
      if (err instanceof AffectcastError) throw err;
      throw new AffectcastError('INTERNAL', `converting model '${spec.id}' failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  return results;
}
