// A whole App for a test: 127.0.0.1 on a free port, a temporary data directory (removed on close), one
// mediasoup worker, logs silent unless AFFECTCAST_TEST_LOG=<level> (then JSON lines on stderr).
//
//   await using t = await startTestApp();              // or: const t = …; after(() => t.close())
//   page.goto(t.meetingUrl('room1'));
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LevelWithSilent } from 'pino';
import type { TokenScope } from '../../src/auth/tokens.js';
import { ConfigSchema, type Config, type ConfigInput } from '../../src/config/schema.js';
import { createLogger, silentLogger, type Logger } from '../../src/log/logger.js';
import { App } from '../../src/app/App.js';
import { REPO_ROOT } from './media.js';

type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

export interface TestAppOptions {
  /** Merged over the test defaults (e.g. { analyzer: { fps: 5 } }). */
  config?: DeepPartial<ConfigInput>;
  logLevel?: LevelWithSilent;
}

export interface TestApp extends AsyncDisposable {
  app: App;
  config: Config;
  logger: Logger;
  baseUrl: string;
  dataDir: string;
  /** A token for `room` (default: config.room) and scope, valid for ttlMs (default 1 h; negative = expired). */
  token(scope: TokenScope, room?: string, ttlMs?: number): string;
  /** The meeting page of `room`, with a meeting token (or the given one), optional display name and extra query. */
  meetingUrl(room: string, options?: { token?: string; name?: string; query?: Record<string, string> }): string;
  close(): Promise<void>;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!over) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object'
        ? merge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

let bundlesChecked = false;

/** Builds the browser bundles when dist/web is missing or older than the page sources (esbuild, ~1 s). */
export function ensureWebBundles(): void {
  if (bundlesChecked) return;
  const built = path.join(REPO_ROOT, 'dist', 'web', 'assets', 'meeting.js');
  const newest = (dir: string): number => {
    let t = 0;
    if (!fs.existsSync(dir)) return t;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (entry.isFile()) t = Math.max(t, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
    return t;
  };
  const sources = Math.max(newest(path.join(REPO_ROOT, 'src', 'web')), newest(path.join(REPO_ROOT, 'src', 'contracts')));
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  if (builtAt < sources) {
    try {
      execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'bundle-web.mjs')], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
      throw new Error(`could not bundle the web pages (node scripts/bundle-web.mjs):\n${stderr}`);
    }
  }
  bundlesChecked = true;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  ensureWebBundles();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-test-'));
  const level = options.logLevel ?? (process.env.AFFECTCAST_TEST_LOG as LevelWithSilent | undefined) ?? 'silent';
  const logger = level === 'silent' ? silentLogger() : createLogger(level);
  const defaults: Record<string, unknown> = {
    server: { host: '127.0.0.1', port: 0 },
    dataDir,
    sfu: { workers: 1, logLevel: 'warn' },
    log: { level },
  };
  const config = Object.freeze(ConfigSchema.parse(merge(defaults, options.config as Record<string, unknown> | undefined)));
  let app: App;
  try {
    app = await App.start(config, logger);
  } catch (error) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      try {
        await app.close();
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    })());
  const token = (scope: TokenScope, room: string = config.room, ttlMs = 3_600_000): string => app.tokens.issue(room, scope, ttlMs);
  return {
    app,
    config,
    logger,
    baseUrl: app.baseUrl,
    dataDir,
    token,
    meetingUrl: (room, opts = {}) => {
      const q = new URLSearchParams({ token: opts.token ?? token('meeting', room) });
      if (opts.name) q.set('name', opts.name);
      for (const [key, value] of Object.entries(opts.query ?? {})) q.set(key, value);
      return `${app.baseUrl}/room/${encodeURIComponent(room)}?${q.toString()}`;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
