// `affectcast serve`: starts the App, prints one line per URL and then `ready` on stdout (tools wait for it),
// and closes everything on SIGINT/SIGTERM.
//
// The signal handlers are installed before the App starts: Node runs signal listeners in the order they were
// added, and mediasoup adds its own (which close the workers) when each worker starts. Ours run first, so the
// App closes its rooms and tells its clients before any worker goes away, and nothing logs a failure.
import { loadConfig, type ConfigFlags } from '../config/loadConfig.js';
import { createLogger } from '../log/logger.js';
import type { App } from '../app/App.js';
import { defineCommand } from './command.js';
import { CONFIG_OPTIONS, toConfigFlags } from './options.js';
import type { CliIo } from './terminal.js';

export const serveCommand = defineCommand({
  name: 'serve',
  synopsis: ['[options]'],
  summary: "run the SFU, analyzer and overlay server; prints the meeting, overlay and dashboard URLs, then 'ready'",
  description:
    "Runs the SFU, the analyzer and the overlay server until SIGINT or SIGTERM. Once it can take calls it prints one line " +
    "per URL on stdout (meeting:, overlay:, dashboard:) and then 'ready'. Every setting of the README's Configuration " +
    'section applies; these flags override the environment and the config file.',
  options: CONFIG_OPTIONS,
  maxPositionals: 0,
  run: ({ values }, io) => serve(toConfigFlags(values), io),
});

async function serve(flags: ConfigFlags, io: CliIo): Promise<number> {
  const config = loadConfig(flags);
  // Loaded here, not at the top: `--help` and the other commands need none of the server.
  const { App } = await import('../app/App.js');
  const logger = createLogger(config.log.level);

  let app: App | undefined;
  let stopRequested: NodeJS.Signals | undefined;
  let resolveStopped!: (code: number) => void;
  const stopped = new Promise<number>((resolve) => (resolveStopped = resolve));
  const stop = (signal: NodeJS.Signals) => {
    if (stopRequested) return;
    stopRequested = signal;
    logger.info({ signal }, 'shutting down');
    // During start-up there is nothing to close yet: start() finishes, then the app is closed below.
    if (app) closeApp(app);
  };
  const closeApp = (started: App) =>
    started.close().then(
      () => resolveStopped(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        resolveStopped(1);
      },
    );
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    app = await App.start(config, logger);
    if (stopRequested) {
      closeApp(app);
      return await stopped;
    }
    const urls = app.urls();
    io.stdout.write(`meeting: ${urls.meeting}\noverlay: ${urls.overlay}\ndashboard: ${urls.dashboard}\nready\n`);
    return await stopped;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
