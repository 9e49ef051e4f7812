// `affectcast serve` as a child process, the way users run it: waits for `ready`, keeps its stderr (pino JSON
// lines), and is always stopped (SIGTERM, then SIGKILL after 5 s). The child's environment has no AFFECTCAST_*
// variable of the test's own environment: only what the test passes.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { REPO_ROOT } from './media.js';
import { until } from './until.js';

export const AFFECTCAST_BIN = path.join(REPO_ROOT, 'bin', 'affectcast.js');

/** process.env without AFFECTCAST_* (so a developer's or CI's settings never leak into a test), plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AFFECTCAST_')) env[key] = value;
  if (process.env.AFFECTCAST_CACHE_DIR) env.AFFECTCAST_CACHE_DIR = process.env.AFFECTCAST_CACHE_DIR;
  return { ...env, ...extra };
}

export interface ServeProcess extends AsyncDisposable {
  child: ChildProcessWithoutNullStreams;
  /** The lines printed before `ready`: meeting, overlay, dashboard URLs. */
  urls: { meeting: string; overlay: string; dashboard: string; base: string };
  dataDir: string;
  stderr(): string;
  /** Parsed pino lines of stderr (non-JSON lines are kept as { msg }). */
  logLines(): Array<Record<string, unknown>>;
  /** SIGTERM and wait for the exit (SIGKILL after 5 s); resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface ServeProcessOptions {
  /** A data directory of the test's own (kept on stop), e.g. to restart a server on the same recording. */
  dataDir?: string;
}

export async function startServeProcess(args: string[] = [], env: Record<string, string> = {}, options: ServeProcessOptions = {}): Promise<ServeProcess> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-serve-'));
  const child = spawn(process.execPath, [AFFECTCAST_BIN, 'serve', '--port', '0', '--data-dir', dataDir, ...args], {
    env: cleanEnv({ AFFECTCAST_LOG_LEVEL: 'warn', AFFECTCAST_WORKERS: '1', AFFECTCAST_INFERENCE_THREADS: '1', ...env }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines: string[] = [];
  readline.createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve((exitCode = code))));
  const stop = async () => {
    if (exitCode === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    return exitCode ?? null;
  };
  try {
    await until(() => lines.includes('ready') || exitCode !== undefined, 60_000, `'ready' from affectcast serve`);
    if (!lines.includes('ready')) throw new Error(`affectcast serve exited with ${exitCode}: ${stderr}`);
  } catch (error) {
    await stop();
    throw error;
  }
  const url = (prefix: string) => (lines.find((l) => l.startsWith(`${prefix}: `)) ?? '').slice(prefix.length + 2);
  const urls = { meeting: url('meeting'), overlay: url('overlay'), dashboard: url('dashboard'), base: new URL(url('meeting')).origin };
  return {
    child,
    urls,
    dataDir,
    stderr: () => stderr,
    logLines: () =>
      stderr
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          try {
            return JSON.parse(line) as Record<string, unknown>;
          } catch {
            return { msg: line };
          }
        }),
    stop,
    [Symbol.asyncDispose]: async () => void (await stop()),
  };
}
