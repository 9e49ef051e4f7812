// `affectcast serve`: starts the App, prints one line per URL and then `ready` on stdout (tools wait for it),
// and closes everything on SIGINT/SIGTERM.
import { loadConfig } from '../config/loadConfig.js';
import { createLogger } from '../log/logger.js';
import { App } from '../server/App.js';
import { CONFIG_OPTIONS, parseCommandArgs, toConfigFlags } from './options.js';

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, CONFIG_OPTIONS);
  const config = loadConfig(toConfigFlags(values));
  const logger = createLogger(config.log.level);
  const app = await App.start(config, logger);
  const urls = app.urls();
  process.stdout.write(`meeting: ${urls.meeting}\noverlay: ${urls.overlay}\ndashboard: ${urls.dashboard}\nready\n`);

  return await new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      app.close().then(
        () => resolve(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
