// `affectcast models <build|list|verify>` with the configured models directory.
import { loadConfig } from '../config/loadConfig.js';
import { createLogger } from '../log/logger.js';
import { modelsCommand } from '../models/modelsCommand.js';

export async function modelsCliCommand(argv: string[]): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config.log.level);
  return await modelsCommand(argv, { dir: config.models.dir, out: (line) => process.stdout.write(`${line}\n`), logger });
}
