// Shared pieces of the remote-inference tests: a logger whose lines the test can read, deterministic
// inputs, and the comparison with the local runner's outputs.
import assert from 'node:assert/strict';
import { pino, type Logger } from 'pino';
import type { Float32Tensor } from '../../../src/inference/InferenceRunner.js';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export const WARN = 40;
export const INFO = 30;
export const ERROR = 50;

/** A debug-level pino logger that keeps every line, parsed. */
export function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

/** Values in [0, 1) from a linear congruential generator: the same every run. */
export function pseudoRandom(count: number, seed: number): Float32Array {
  const data = new Float32Array(count);
  let x = seed >>> 0;
  for (let i = 0; i < data.length; i++) data[i] = ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % 10_000) / 10_000;
  return data;
}

/** Every output of `actual` has the dims of `expected` and values within `tolerance`. */
export function assertOutputsClose(actual: Record<string, Float32Tensor>, expected: Record<string, Float32Tensor>, tolerance = 1e-6): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
  for (const [name, e] of Object.entries(expected)) {
    const a = actual[name]!;
    assert.deepEqual([...a.dims], [...e.dims], `dims of '${name}'`);
    assert.equal(a.data.length, e.data.length, `length of '${name}'`);
    let worst = 0;
    for (let i = 0; i < e.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i]! - e.data[i]!));
    assert.ok(worst <= tolerance, `'${name}' differs by up to ${worst}`);
  }
}
