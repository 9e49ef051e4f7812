// `affectcast <command>`: the commands of src/cli/commands.ts, `--help` (for all, or one command) and
// `--version`. Results go to stdout, people's messages to stderr.
// Exit codes: 0 ok; 1 runtime failure (one line says why); 2 usage or configuration error.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigSchema, PROJECT_ROOT, type Config } from '../config/schema.js';
import { AffectcastError } from '../contracts/errors.js';
import { asksForHelp, commandUsage, EXIT_CODES_TEXT, parseCommand, type CommandSpec } from './command.js';
import { COMMANDS } from './commands.js';
import { paint, processIo, type CliIo } from './terminal.js';

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

function version(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

function mainUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 4;
  return [
    'usage: affectcast <command> [options]',
    '       affectcast <command> --help',
    '       affectcast --help | --version',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'options:',
    '  -h, --help      show this help; after a command, that command\'s options and their defaults',
    '  -V, --version   print the version',
    '',
    'Configuration: flags > AFFECTCAST_* environment variables > --config JSON file > defaults (README, Configuration).',
    'Results (JSON lines, CSV, URLs, tokens) go to stdout or --out; logs, progress and errors go to stderr.',
    'Colour and redrawn progress only on a terminal, and never with NO_COLOR set.',
    EXIT_CODES_TEXT,
  ].join('\n');
}

/** Defaults for help text; a broken environment must not stop --help, so these are the schema's own. */
const schemaDefaults = (): Config => ConfigSchema.parse({});

export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  const fail = (message: string) => io.stderr.write(`${paint(io, 'red', 'affectcast:')} ${message}\n`);
  if (name === undefined) {
    io.stderr.write(`${mainUsage()}\n`);
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const spec = topic === undefined ? undefined : COMMANDS.find((c) => c.name === topic);
    if (topic !== undefined && !spec) {
      fail(`unknown command '${topic}' (affectcast --help lists them)`);
      return EXIT.usage;
    }
    io.stdout.write(`${spec ? commandUsage(spec, schemaDefaults()) : mainUsage()}\n`);
    return EXIT.ok;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout.write(`affectcast ${version()}\n`);
    return EXIT.ok;
  }
  const spec: CommandSpec | undefined = COMMANDS.find((c) => c.name === name);
  if (!spec) {
    fail(`unknown command '${name}' (affectcast --help lists them)`);
    return EXIT.usage;
  }
  if (asksForHelp(rest)) {
    io.stdout.write(`${commandUsage(spec, schemaDefaults())}\n`);
    return EXIT.ok;
  }
  try {
    return await spec.run(parseCommand(spec, rest), io);
  } catch (error) {
    if (error instanceof AffectcastError) {
      fail(`${error.message} [${error.code}]`);
      if (error.code !== 'CONFIG_INVALID') return EXIT.failure;
      io.stderr.write(`(affectcast ${spec.name} --help lists its options)\n`);
      return EXIT.usage;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      fail(`${error.message}\n(affectcast ${spec.name} --help lists its options)`);
      return EXIT.usage;
    }
    // Anything else is a failure of the run, not of the command line: one line, no stack trace.
    fail(error instanceof Error ? error.message : String(error));
    return EXIT.failure;
  }
}
