// Decoders must not outlive the server. A server that exits normally stops them, but one that is killed
// (SIGKILL, the OOM killer) cannot, and an ffmpeg waiting for RTP with no timeout would wait forever. On
// Linux, util-linux's setpriv starts the child with PR_SET_PDEATHSIG, so the kernel kills it when the
// server's process dies; setpriv then execs the program itself (same pid, same pipes). Where setpriv is
// missing, or the program cannot be found (so the spawn's own ENOENT error is reported as it was), the
// child is spawned as is.
import { spawn, type ChildProcessWithoutNullStreams, type SpawnOptionsWithoutStdio } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const SETPRIV = '/usr/bin/setpriv';

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `command` as an absolute path (PATH searched for a bare name), or undefined when there is none. */
export function resolveExecutable(command: string, searchPath: string = process.env.PATH ?? ''): string | undefined {
  if (command.includes('/')) return executable(command) ? path.resolve(command) : undefined;
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

const canTie = process.platform === 'linux' && executable(SETPRIV);

/** spawn(), with the child killed by the kernel if this process dies first (Linux with setpriv). */
export function spawnTied(command: string, args: readonly string[], options: SpawnOptionsWithoutStdio = {}): ChildProcessWithoutNullStreams {
  const resolved = canTie ? resolveExecutable(command) : undefined;
  if (resolved === undefined) return spawn(command, args, { ...options, stdio: 'pipe' });
  return spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', resolved, ...args], { ...options, stdio: 'pipe' });
}
