// Child processes of this test process, read from /proc (Linux). Zombies (state Z: exited, not yet reaped)
// are not "live" — but a zombie that stays is a leak too, so zombieChildren() lists them separately.
import fs from 'node:fs';

export interface ChildProcessInfo {
  pid: number;
  /** Executable name as the kernel has it (/proc/<pid>/stat, at most 15 characters), e.g. "ffmpeg". */
  comm: string;
  state: string;
}

function readStat(pid: string): { comm: string; state: string; ppid: number } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …" — comm may contain spaces and parentheses: cut at the last ')'.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const [state = '', ppid = '0'] = stat.slice(close + 2).split(' ');
    return { comm, state, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

function children(parentPid: number): ChildProcessInfo[] {
  const out: ChildProcessInfo[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(entry);
    if (stat && stat.ppid === parentPid) out.push({ pid: Number(entry), comm: stat.comm, state: stat.state });
  }
  return out;
}

/** Live (non-zombie) children of `parentPid` (default: this process), optionally only those named `comm`. */
export function liveChildProcesses(comm?: string, parentPid: number = process.pid): ChildProcessInfo[] {
  return children(parentPid).filter((c) => c.state !== 'Z' && (comm === undefined || c.comm === comm));
}

/** Zombie children of `parentPid` (exited, never reaped). */
export function zombieChildren(parentPid: number = process.pid): ChildProcessInfo[] {
  return children(parentPid).filter((c) => c.state === 'Z');
}

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const stat = readStat(String(pid));
  return stat !== undefined && stat.state !== 'Z';
}
