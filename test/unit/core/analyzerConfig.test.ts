// Config of the face pipeline: the detector interval and the smoothing filter, with their defaults, read
// from a config file, and refused when out of range.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { smoothingParams } from '../../../src/analyzer/smoothing/smoothingParams.js';

function withFile<T>(body: unknown, use: (file: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-config-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify(body));
  try {
    return use(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('detection every 10 frames and One-Euro smoothing are the defaults', { timeout: 5_000 }, () => {
  const config = loadConfig({}, {});
  assert.equal(config.analyzer.detectEveryFrames, 10);
  assert.deepEqual(config.analyzer.smoothing, { enabled: true, minCutoff: 1, beta: 1, dCutoff: 1 });
  assert.deepEqual(smoothingParams(config), { minCutoff: 1, beta: 1, dCutoff: 1 });
});

test('the file sets the interval and the filter, and can switch smoothing off', { timeout: 5_000 }, () => {
  const config = withFile({ analyzer: { detectEveryFrames: 3, smoothing: { minCutoff: 0.5, beta: 2 } } }, (file) => loadConfig({ config: file }, {}));
  assert.equal(config.analyzer.detectEveryFrames, 3);
  assert.deepEqual(config.analyzer.smoothing, { enabled: true, minCutoff: 0.5, beta: 2, dCutoff: 1 });
  const off = withFile({ analyzer: { smoothing: { enabled: false } } }, (file) => loadConfig({ config: file }, {}));
  assert.equal(smoothingParams(off), null);
});

test('out-of-range values are refused with their path', { timeout: 5_000 }, () => {
  assert.throws(() => withFile({ analyzer: { detectEveryFrames: 0 } }, (file) => loadConfig({ config: file }, {})), /analyzer\.detectEveryFrames/);
  assert.throws(() => withFile({ analyzer: { smoothing: { minCutoff: 0 } } }, (file) => loadConfig({ config: file }, {})), /analyzer\.smoothing\.minCutoff/);
  assert.throws(() => withFile({ analyzer: { smoothing: { cutoff: 1 } } }, (file) => loadConfig({ config: file }, {})), /smoothing/);
});
