// `affectcast models <build|list|verify>` with the configured models directory.
import { loadConfig } from '../config/loadConfig.js';
import { AffectcastError } from '../contracts/errors.js';
import { createLogger } from '../log/logger.js';
import { defineCommand } from './command.js';
import { configOptions, toConfigFlags } from './options.js';

const ACTIONS = ['build', 'list', 'verify'] as const;

export const modelsCliCommand = defineCommand({
  name: 'models',
  synopsis: ['build [--force] [options]', 'list [options]', 'verify [options]'],
  summary: 'convert the ONNX models (npm packages, the vendored MediaPipe bundle), list them, or check them',
  description:
    'build converts the default models from the npm packages and the vendored MediaPipe bundle into the models ' +
    'directory (config models.dir, env AFFECTCAST_MODELS_DIR), skipping those whose files match their manifests; ' +
    'list shows each model, its version and whether its file matches; verify checks every file against its manifest ' +
    'and runs it once.',
  options: {
    force: { type: 'boolean', help: 'build: convert again even when up to date', shownDefault: 'false' },
    ...configOptions('config', 'log-level'),
  },
  maxPositionals: 1,
  run: async ({ values, positionals }, io) => {
    const [action] = positionals;
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number])) {
      throw new AffectcastError('CONFIG_INVALID', `models: say what to do: ${ACTIONS.join(', ')}`);
    }
    if (values.force && action !== 'build') throw new AffectcastError('CONFIG_INVALID', '--force applies to models build only');
    const config = loadConfig(toConfigFlags(values));
    const logger = createLogger(config.log.level);
    const argv = [action as string, ...(values.force ? ['--force'] : [])];
    const { modelsCommand } = await import('../models/modelsCommand.js');
    return await modelsCommand(argv, { dir: config.models.dir, out: (line) => io.stdout.write(`${line}\n`), logger });
  },
});
