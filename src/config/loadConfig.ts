// The only reader of process.env. Merges, in rising precedence: defaults < JSON file < environment < flags,
// validates once, and returns a deeply frozen Config. An invalid configuration is one clear error listing
// every problem, never a half-started server.
import fs from 'node:fs';
import { z } from 'zod';
import { AffectcastError } from '../contracts/errors.js';
import { ConfigSchema, type Config } from './schema.js';

type Json = Record<string, unknown>;
/** How an environment string is read; 'portRange' is MIN-MAX, e.g. 40000-40099. */
type EnvKind = 'string' | 'number' | 'boolean' | 'portRange';

/** Environment variable → config path, and how to read the string. */
const ENVIRONMENT: ReadonlyArray<[name: string, path: string, kind: EnvKind]> = [
  ['AFFECTCAST_HOST', 'server.host', 'string'],
  ['AFFECTCAST_PORT', 'server.port', 'number'],
  ['AFFECTCAST_PUBLIC_URL', 'server.publicUrl', 'string'],
  ['AFFECTCAST_ROOM', 'room', 'string'],
  ['AFFECTCAST_DATA_DIR', 'dataDir', 'string'],
  ['AFFECTCAST_SECRET', 'auth.secret', 'string'],
  ['AFFECTCAST_TOKEN_TTL_HOURS', 'auth.tokenTtlHours', 'number'],
  ['AFFECTCAST_WORKERS', 'sfu.workers', 'number'],
  ['AFFECTCAST_LISTEN_IP', 'sfu.listenIp', 'string'],
  ['AFFECTCAST_ANNOUNCED_ADDRESS', 'sfu.announcedAddress', 'string'],
  ['AFFECTCAST_RTC_PORTS', 'sfu.rtcPorts', 'portRange'],
  ['AFFECTCAST_ANALYSIS_FPS', 'analyzer.fps', 'number'],
  ['AFFECTCAST_BLENDSHAPES', 'analyzer.blendshapes', 'boolean'],
  ['AFFECTCAST_PROFILE', 'models.profile', 'string'],
  ['AFFECTCAST_MODELS_DIR', 'models.dir', 'string'],
  ['AFFECTCAST_ALLOW_UNTRAINED', 'models.allowUntrained', 'boolean'],
  ['AFFECTCAST_VA_MODEL', 'models.va.file', 'string'],
  ['AFFECTCAST_VA_ACCEPT_SHA256', 'models.va.acceptSha256', 'string'],
  ['AFFECTCAST_INFERENCE_THREADS', 'models.inferenceThreads', 'number'],
  ['AFFECTCAST_INFERENCE_URL', 'inference.remote.url', 'string'],
  ['AFFECTCAST_RETENTION_DAYS', 'store.retentionDays', 'number'],
  ['AFFECTCAST_LOG_LEVEL', 'log.level', 'string'],
  ['AFFECTCAST_REDIS_URL', 'cluster.redisUrl', 'string'],
];

/** Command-line flags that map onto config paths (values already typed by the CLI parser). */
export interface ConfigFlags {
  config?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  room?: string | undefined;
  profile?: string | undefined;
  allowUntrained?: boolean | undefined;
  dataDir?: string | undefined;
  logLevel?: string | undefined;
}

const FLAG_PATHS: Record<Exclude<keyof ConfigFlags, 'config'>, string> = {
  host: 'server.host',
  port: 'server.port',
  room: 'room',
  profile: 'models.profile',
  allowUntrained: 'models.allowUntrained',
  dataDir: 'dataDir',
  logLevel: 'log.level',
};

function setPath(target: Json, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node = (typeof next === 'object' && next !== null ? next : (node[key] = {})) as Json;
  }
  node[keys[keys.length - 1] as string] = value;
}

function parseEnvValue(name: string, raw: string, kind: EnvKind): unknown {
  if (kind === 'string') return raw;
  if (kind === 'portRange') {
    const match = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(raw);
    if (!match) throw new AffectcastError('CONFIG_INVALID', `${name}: "${raw}" is not a port range (MIN-MAX, e.g. 40000-40099)`);
    return { min: Number(match[1]), max: Number(match[2]) };
  }
  if (kind === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new AffectcastError('CONFIG_INVALID', `${name}: "${raw}" is not a number`);
    return n;
  }
  if (/^(1|true|yes)$/i.test(raw)) return true;
  if (/^(0|false|no)$/i.test(raw)) return false;
  throw new AffectcastError('CONFIG_INVALID', `${name}: "${raw}" is not a boolean (true/false)`);
}

function readFile(file: string): Json {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new AffectcastError('CONFIG_INVALID', `cannot read config file ${file}: ${(error as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Json;
  } catch (error) {
    throw new AffectcastError('CONFIG_INVALID', `config file ${file} is not a JSON object: ${(error as Error).message}`);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const configFile = flags.config ?? env.AFFECTCAST_CONFIG;
  const raw: Json = configFile ? readFile(configFile) : {};
  for (const [name, dotted, kind] of ENVIRONMENT) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(raw, dotted, parseEnvValue(name, value, kind));
  }
  for (const [flag, dotted] of Object.entries(FLAG_PATHS)) {
    const value = flags[flag as keyof typeof FLAG_PATHS];
    if (value !== undefined) setPath(raw, dotted, value);
  }
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new AffectcastError('CONFIG_INVALID', `invalid configuration:\n${z.prettifyError(result.error)}`);
  }
  return deepFreeze(result.data);
}

/** What the command line needs to know of its terminal: NO_COLOR (any non-empty value) or TERM=dumb turn colour off. */
export function readTerminalEnv(env: NodeJS.ProcessEnv = process.env): { colourAllowed: boolean } {
  return { colourAllowed: !env.NO_COLOR && env.TERM !== 'dumb' };
}
