// How a command declares itself: a name, a one-line summary, its synopsis and a table of options. The table
// is what node:util parseArgs reads (extra keys are ignored there) and what `--help` prints, with every
// option's default, so usage can never drift from what is parsed.
import { parseArgs } from 'node:util';
import type { Config } from '../config/schema.js';
import { AffectcastError } from '../contracts/errors.js';
import type { CliIo } from './terminal.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** The value's name in usage: `--fps N`. */
  readonly placeholder?: string;
  readonly help: string;
  /**
   * The default as usage shows it: text, or read from the configuration's defaults (the one source of them).
   * Absent: the option has no default (help says when it is required).
   */
  readonly shownDefault?: string | ((defaults: Config) => string);
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** Parsed values: strings for string options, booleans for flags; absent when not given. */
export type OptionValues<T extends OptionTable> = { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };

export interface CommandArgs<T extends OptionTable> {
  values: OptionValues<T>;
  positionals: string[];
  /** The arguments as given (for a command that parses its own). */
  argv: string[];
}

export interface CommandSpec<T extends OptionTable = OptionTable> {
  readonly name: string;
  /** What follows the command's name in usage, one line per form: ['<file> [options]']. */
  readonly synopsis: readonly string[];
  /** One line for the command list. */
  readonly summary: string;
  /** A paragraph for the command's own help. */
  readonly description?: string;
  readonly options: T;
  /** Largest number of positional arguments (0: none). */
  readonly maxPositionals: number;
  /** The command parses argv itself (the table then only documents it). */
  readonly parsesOwnArgs?: boolean;
  run(args: CommandArgs<T>, io: CliIo): Promise<number>;
}

export function defineCommand<const T extends OptionTable>(spec: CommandSpec<T>): CommandSpec<T> {
  return spec;
}

export const HELP_OPTION = { help: { type: 'boolean', short: 'h', help: 'show this help' } } as const satisfies OptionTable;

/** `--help` or `-h` anywhere before a `--` that ends the options. */
export function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

export function parseCommand<T extends OptionTable>(spec: CommandSpec<T>, argv: string[]): CommandArgs<T> {
  if (spec.parsesOwnArgs) return { values: {}, positionals: [], argv };
  const { values, positionals } = parseArgs({ args: argv, options: spec.options, allowPositionals: spec.maxPositionals > 0, strict: true });
  if (positionals.length > spec.maxPositionals) {
    throw new AffectcastError('CONFIG_INVALID', `unexpected argument '${positionals[spec.maxPositionals] ?? ''}'`);
  }
  return { values: values as OptionValues<T>, positionals, argv };
}

function optionLabel(name: string, spec: OptionSpec): string {
  const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}`;
  return spec.type === 'string' ? `${flag} ${spec.placeholder ?? 'VALUE'}` : flag;
}

/** Two columns: label, then help and default, wrapped under the help column. */
export function optionLines(table: OptionTable, defaults: Config, width = 100): string[] {
  const entries = Object.entries(table);
  const column = Math.min(30, Math.max(...entries.map(([name, spec]) => optionLabel(name, spec).length)) + 4);
  const lines: string[] = [];
  for (const [name, spec] of entries) {
    const shown = typeof spec.shownDefault === 'function' ? spec.shownDefault(defaults) : spec.shownDefault;
    const text = shown === undefined ? spec.help : `${spec.help} (default: ${shown})`;
    const label = `  ${optionLabel(name, spec)}`;
    const wrapped = wrap(text, width - column);
    const first = label.length + 2 <= column ? `${label.padEnd(column)}${wrapped[0] ?? ''}` : `${label}\n${' '.repeat(column)}${wrapped[0] ?? ''}`;
    lines.push(first, ...wrapped.slice(1).map((l) => `${' '.repeat(column)}${l}`));
  }
  return lines;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export const EXIT_CODES_TEXT = 'exit codes: 0 ok; 1 runtime failure (one line on stderr says why); 2 usage or configuration error';

export function commandUsage(spec: CommandSpec, defaults: Config): string {
  const forms = spec.synopsis.map((form, i) => `${i === 0 ? 'usage:' : '      '} affectcast ${spec.name} ${form}`);
  return [
    ...forms,
    '',
    ...wrap(spec.description ?? spec.summary, 100),
    '',
    'options:',
    ...optionLines({ ...spec.options, ...HELP_OPTION }, defaults),
    '',
    EXIT_CODES_TEXT,
  ].join('\n');
}
