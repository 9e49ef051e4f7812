// pino, writing JSON lines to stderr: stdout belongs to the CLI's own output (the URLs and `ready`).
// Components take a child logger (`logger.child({ component: 'sfu' })`) rather than importing a global one.
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

export function createLogger(level: LevelWithSilent, destination: number = 2): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Tokens travel in URLs and handshakes; make sure none reaches a log line by accident.
      redact: { paths: ['token', '*.token', 'auth.token', 'req.query.token', 'secret', '*.secret'], censor: '[redacted]' },
    },
    pino.destination({ fd: destination, sync: false }),
  );
}

/** A logger that discards everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
