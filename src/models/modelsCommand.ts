// `affectcast models <build|list|verify>`: argument handling and human-readable output only; the work is in
// buildModels / listModels / verifyModels. Returns the process exit code (0 ok, 1 failure, 2 usage).
import { AffectcastError } from '../contracts/errors.js';
import type { Logger } from '../log/logger.js';
import { buildModels } from './buildModels.js';
import { listModels } from './listModels.js';
import { DEFAULT_MODEL_IDS } from './specs/index.js';
import type { TensorSpec } from './manifest.js';
import { verifyModels } from './verifyModels.js';

export interface ModelsCommandContext {
  /** Models directory (config.models.dir). */
  dir: string;
  /** One line of user-facing output (stdout in the CLI). */
  out: (line: string) => void;
  logger: Logger;
}

function usage(dir: string): string {
  return [
    'usage: affectcast models <command>',
    `  build [--force]  convert the default models (${DEFAULT_MODEL_IDS.join(', ')}) from the npm packages and the`,
    '                   vendored MediaPipe bundle (models/vendor/mediapipe);',
    '                   models whose files match their manifests and are current are skipped',
    '  list             show the models, their versions and whether each file matches its manifest',
    '  verify           check every model against its manifest and run it once in onnxruntime',
    `models directory: ${dir} (config models.dir, env AFFECTCAST_MODELS_DIR)`,
  ].join('\n');
}

const kb = (bytes: number): string => `${Math.round(bytes / 1024)} KB`;
const signature = (specs: readonly TensorSpec[]): string => specs.map((s) => `${s.name}[${s.shape.join(',')}]`).join(' ');

async function build(flags: readonly string[], ctx: ModelsCommandContext): Promise<number> {
  const results = await buildModels(ctx.dir, ctx.logger, { force: flags.includes('--force') });
  for (const r of results) {
    ctx.out(
      r.action === 'converted'
        ? `${r.id}: converted in ${Math.round(r.convertMs)} ms → ${r.modelPath} (${kb(r.bytes)}, version ${r.version}; ${r.reason ?? ''})`
        : `${r.id}: up to date (${r.version})`,
    );
  }
  const converted = results.filter((r) => r.action === 'converted').length;
  ctx.out(`models in ${ctx.dir}: ${converted} converted, ${results.length - converted} unchanged`);
  return 0;
}

function list(ctx: ModelsCommandContext): number {
  for (const m of listModels(ctx.dir)) {
    const io = m.manifest ? `${signature(m.manifest.inputs)} → ${signature(m.manifest.outputs)}` : '';
    const version = m.manifest?.version ?? '-';
    const size = m.manifest ? kb(m.manifest.bytes) : '-';
    const note = m.status === 'stale' ? ` (build would write ${m.expectedVersion ?? '?'})` : m.problem ? ` (${m.problem})` : '';
    ctx.out(`${m.id.padEnd(20)} ${m.status.padEnd(7)} ${version.padEnd(16)} ${size.padStart(8)}  ${io}${note}`);
  }
  ctx.out(`models directory: ${ctx.dir}`);
  return 0;
}

async function verify(ctx: ModelsCommandContext): Promise<number> {
  const reports = await verifyModels(ctx.dir);
  for (const r of reports) {
    if (r.ok) {
      const outs = Object.entries(r.outputs ?? {}).map(([name, dims]) => `${name}[${dims.join(',')}]`).join(' ');
      const stale = r.current === false ? '; stale: run `affectcast models build`' : '';
      ctx.out(`ok    ${r.id} ${r.version ?? ''}: sha256 matches, ran in ${(r.runMs ?? 0).toFixed(1)} ms → ${outs}${stale}`);
    } else {
      ctx.out(`FAIL  ${r.id}: ${r.error?.code ?? 'INTERNAL'}: ${r.error?.message ?? 'unknown error'}`);
    }
  }
  const failed = reports.filter((r) => !r.ok).length;
  ctx.out(failed === 0 ? `all ${reports.length} models verified` : `${failed} of ${reports.length} models failed verification`);
  return failed === 0 ? 0 : 1;
}

export async function modelsCommand(argv: string[], ctx: ModelsCommandContext): Promise<number> {
  const [command, ...flags] = argv;
  const allowed: Readonly<Record<string, readonly string[]>> = { build: ['--force'], list: [], verify: [] };
  const known = command !== undefined && Object.hasOwn(allowed, command) ? allowed[command] : undefined;
  if (command === 'help' || command === '--help' || command === '-h') {
    ctx.out(usage(ctx.dir));
    return 0;
  }
  if (known === undefined || flags.some((f) => !known.includes(f))) {
    ctx.out(usage(ctx.dir));
    return 2;
  }
  try {
    if (command === 'build') return await build(flags, ctx);
    if (command === 'list') return list(ctx);
    return await verify(ctx);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    ctx.logger.error({ err, command }, 'models command failed');
    ctx.out(`error: ${err instanceof AffectcastError ? `${err.code}: ` : ''}${message}`);
    return 1;
  }
}
