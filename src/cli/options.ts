// Flags shared by the commands that load the configuration.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AffectcastError } from '../contracts/errors.js';
import type { ConfigFlags } from '../config/loadConfig.js';

export const CONFIG_OPTIONS = {
  config: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  room: { type: 'string' },
  profile: { type: 'string' },
  'allow-untrained': { type: 'boolean' },
  'data-dir': { type: 'string' },
  'log-level': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

type ConfigValues = { [K in keyof typeof CONFIG_OPTIONS]?: (typeof CONFIG_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

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

export function parseCommandArgs<const O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, allowPositionals = false) {
  return parseArgs({ args: argv, options, allowPositionals, strict: true });
}
