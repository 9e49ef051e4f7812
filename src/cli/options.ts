// Flags shared by the commands that load the configuration, documented once (help text and the default each
// falls back to, read from the config schema's defaults).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AffectcastError } from '../contracts/errors.js';
import type { ConfigFlags } from '../config/loadConfig.js';
import type { OptionTable, OptionValues } from './command.js';

export const CONFIG_OPTIONS = {
  config: { type: 'string', placeholder: 'FILE', help: 'JSON config file (env AFFECTCAST_CONFIG); flags and environment override it', shownDefault: 'none' },
  host: { type: 'string', placeholder: 'ADDRESS', help: 'HTTP address to listen on', shownDefault: (d) => d.server.host },
  port: { type: 'string', placeholder: 'PORT', help: 'HTTP port (0: any free port)', shownDefault: (d) => String(d.server.port) },
  room: { type: 'string', placeholder: 'NAME', help: 'room whose URLs are printed', shownDefault: (d) => d.room },
  profile: { type: 'string', placeholder: 'default|avmt', help: 'model profile', shownDefault: (d) => d.models.profile },
  'allow-untrained': {
    type: 'boolean',
    help: 'accept an untrained avmt export (benchmarks only; every value is marked untrained)',
    shownDefault: (d) => String(d.models.allowUntrained),
  },
  'data-dir': { type: 'string', placeholder: 'DIR', help: 'token key and recording database', shownDefault: (d) => d.dataDir },
  'log-level': { type: 'string', placeholder: 'LEVEL', help: 'JSON logs on stderr: fatal, error, warn, info, debug, trace or silent', shownDefault: (d) => d.log.level },
} as const satisfies OptionTable;

type ConfigOptionName = keyof typeof CONFIG_OPTIONS;
type ConfigValues = OptionValues<typeof CONFIG_OPTIONS>;

/** The named config options, for a command that takes only these. */
export function configOptions<const K extends ConfigOptionName>(...names: K[]): Pick<typeof CONFIG_OPTIONS, K> {
  return Object.fromEntries(names.map((name) => [name, CONFIG_OPTIONS[name]])) as Pick<typeof CONFIG_OPTIONS, K>;
}

export function toConfigFlags(values: ConfigValues): ConfigFlags {
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port)) throw new AffectcastError('CONFIG_INVALID', `--port: "${values.port}" is not a port number`);
  }
  return {
    config: values.config,
    host: values.host,
    port,
    room: values.room,
    profile: values.profile,
    allowUntrained: values['allow-untrained'],
    dataDir: values['data-dir'],
    logLevel: values['log-level'],
  };
}

/** For a command that parses its own arguments (bench): node:util parseArgs, strict. */
export function parseCommandArgs<const O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, allowPositionals = false) {
  return parseArgs({ args: argv, options, allowPositionals, strict: true });
}
