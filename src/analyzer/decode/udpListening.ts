// "Has the decoder bound its UDP port yet?" — answered from /proc (Linux): the socket bound to the port in
// /proc/net/udp{,6} must be one of the process's own file descriptors, so another program that happens to hold
// the port does not count. The tap's consumer is resumed only after this: a key frame sent to a port nobody
// listens on is lost, and the first picture then waits for the next key frame request.
import fs from 'node:fs';
import { AffectcastError } from '../../contracts/errors.js';

/** Inodes of the UDP sockets bound to `port` (any local address). */
export function udpSocketInodes(port: number): Set<string> {
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
      if (fields[1]?.endsWith(suffix) && fields[9]) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/** Inodes of the sockets among the open file descriptors of `pid`. */
export function processSocketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      // the fd closed meanwhile
    }
  }
  return inodes;
}

export function isUdpPortBoundBy(pid: number, port: number): boolean {
  const bound = udpSocketInodes(port);
  if (bound.size === 0) return false;
  for (const inode of processSocketInodes(pid)) if (bound.has(inode)) return true;
  return false;
}

/**
 * Resolves with the time waited (ms) once process `pid` has bound UDP `port`. Rejects after `timeoutMs`, or
 * at once when `stillRunning()` says the process is gone.
 */
export async function waitUdpBound(
  pid: number,
  port: number,
  options: { timeoutMs?: number; intervalMs?: number; stillRunning?: () => boolean } = {},
): Promise<number> {
  const { timeoutMs = 5_000, intervalMs = 10, stillRunning = () => true } = options;
  const t0 = Date.now();
  for (;;) {
    if (isUdpPortBoundBy(pid, port)) return Date.now() - t0;
    if (!stillRunning()) throw new AffectcastError('MEDIA_ERROR', `decoder ${pid} exited before binding UDP port ${port}`);
    if (Date.now() - t0 > timeoutMs) throw new AffectcastError('MEDIA_ERROR', `decoder ${pid} did not bind UDP port ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
