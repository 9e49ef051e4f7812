// Runs the avmt Python package (Debian's python3-torch; a pyenv python3 on PATH would not see it) and
// reads the raw little-endian files it writes for the equivalence tests.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const PYTHON = '/usr/bin/python3';

/** `python3 -m models.avmt ...args` from the repository root; throws with its stderr on failure. */
export function runAvmt(args: string[], timeoutMs = 120_000): string {
  const r = spawnSync(PYTHON, ['-m', 'models.avmt', ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: timeoutMs });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`models.avmt ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

function bytesOf(file: string): Uint8Array {
  const b = readFileSync(file);
  // copy into a fresh, aligned buffer (Buffer slices of the pool may be misaligned for typed arrays)
  return new Uint8Array(b);
}

export function readF32(dir: string, name: string): Float32Array {
  return new Float32Array(bytesOf(join(dir, name)).buffer);
}

export function readI16(dir: string, name: string): Int16Array {
  return new Int16Array(bytesOf(join(dir, name)).buffer);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
