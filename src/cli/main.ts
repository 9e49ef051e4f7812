// `affectcast <command>`: serve, analyze <file>, bench, token, export, models <build|list|verify>.
// Exit codes: 0 ok, 1 failure (with one clear message), 2 usage error.
import { AffectcastError } from '../contracts/errors.js';
import { serveCommand } from './serve.js';
import { modelsCliCommand } from './models.js';

const USAGE = `usage: affectcast <command> [options]

commands:
  serve [--host 127.0.0.1] [--port 8080] [--room NAME] [--profile default|avmt] [--allow-untrained]
        [--data-dir DIR] [--config FILE] [--log-level info]
        run the SFU, analyzer and overlay server; prints the meeting, overlay and dashboard URLs, then 'ready'
  analyze <file> [--profile default|avmt] [--fps N]
        analyse a video file and print one AffectEvent per analysed frame as JSON lines
  bench [--input FILE] [--frames 60] [--streams 1,2,4] [--out FILE]
        measure the analyzer on this machine (stages, streams per machine, the paper's network) as JSON
  token --room R --role publish|overlay|dashboard|admin [--ttl 1d] [--label TEXT] [--data-dir DIR]
        mint a token (printed with its id and page URL); token revoke ID revokes one
  export --room R [--session S] [--format csv|jsonl] [--from T] [--to T] --out FILE [--data-dir DIR]
        write a room's recording (as GET /api/rooms/:room/events) to a file
  models <build|list|verify>
        convert the ONNX models (npm packages, the vendored MediaPipe bundle), list them, or check them against their manifests

Configuration: flags > AFFECTCAST_* environment variables > --config JSON file > defaults (README).`;

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(rest);
      case 'models':
        return await modelsCliCommand(rest);
      case 'analyze': {
        const { analyzeCommand } = await import('./analyze.js');
        return await analyzeCommand(rest);
      }
      case 'token': {
        const { tokenCommand } = await import('./token.js');
        return await tokenCommand(rest);
      }
      case 'export': {
        const { exportCommand } = await import('./export.js');
        return await exportCommand(rest);
      }
      case 'bench': {
        const { benchCommand } = await import('./bench.js');
        return await benchCommand(rest);
      }
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`affectcast: unknown command '${command}'\n\n${USAGE}\n`);
        return 2;
    }
  } catch (error) {
    if (error instanceof AffectcastError) {
      process.stderr.write(`affectcast: ${error.message} [${error.code}]\n`);
      return error.code === 'CONFIG_INVALID' ? 2 : 1;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`affectcast: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
}
