// The dependency rules (.dependency-cruiser.cjs) hold for the real tree, and each rule catches what it
// forbids: the cruiser runs with the repository's own config on a small tree made for the test, in which
// every forbidden direction is taken once (some by a type-only import, which couples rooms all the same)
// beside imports that are allowed. The expected violations are written here, not read from the config.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../../../src/config/schema.js';

const CONFIG = path.join(PROJECT_ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(PROJECT_ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  rule: string;
  from: string;
  to: string;
}

interface CruiseRun {
  violations: Violation[];
  modules: number;
}

const depcruise = (cwd: string, outputType: 'json' | 'err') =>
  spawnSync(process.execPath, [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', outputType], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    timeout: 120_000,
  });

/** What the cruiser finds, from its JSON report. */
function cruise(cwd: string): CruiseRun {
  const run = depcruise(cwd, 'json');
  assert.ok(run.stdout, `depcruise printed nothing (status ${run.status}): ${run.stderr}`);
  const result = JSON.parse(run.stdout) as {
    summary: { totalCruised: number; violations: Array<{ rule: { name: string }; from: string; to: string }> };
  };
  return {
    modules: result.summary.totalCruised,
    violations: result.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to })),
  };
}

/** The exit status of the run scripts/test.sh makes (the `err` reporter): non-zero fails the test run. */
const testRunStatus = (cwd: string): number | null => depcruise(cwd, 'err').status;

const key = (v: Violation): string => `${v.rule}: ${v.from} → ${v.to}`;

test('the real tree keeps every dependency rule', { timeout: 120_000 }, () => {
  const run = cruise(PROJECT_ROOT);
  assert.deepEqual(run.violations.map(key), []);
  assert.equal(testRunStatus(PROJECT_ROOT), 0);
  assert.ok(run.modules > 100, `cruised only ${run.modules} modules: the rules would see nothing`);
});

test('each rule fails the run on the import it forbids, and allowed imports pass', { timeout: 120_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-deps-'));
  try {
    const files: Record<string, string> = {
      // Targets.
      'src/contracts/taps.ts': 'export interface Tap { id: string }\n',
      'src/log/logger.ts': 'export const logger = 1;\n',
      'src/sfu/Room.ts': 'export class Room {}\n',
      'src/overlay/AffectHub.ts': 'export class AffectHub {}\n',
      'src/server/metrics.ts': 'export class Metrics {}\n',
      'src/analyzer/FrameAnalyzer.ts': 'export class FrameAnalyzer {}\n',
      'src/app/App.ts': "import { Room } from '../sfu/Room.js';\nimport { FrameAnalyzer } from '../analyzer/FrameAnalyzer.js';\nexport const app = [Room, FrameAnalyzer];\n",
      // Allowed: the analyzer and the SFU meet in contracts; the pages read contracts; the CLI starts the app.
      'src/analyzer/fork/ForkManager.ts': "import type { Tap } from '../../contracts/taps.js';\nexport type T = Tap;\n",
      'src/sfu/SfuTapSource.ts': "import type { Tap } from '../contracts/taps.js';\nexport type T = Tap;\n",
      'src/web/overlay/main.ts': "import type { Tap } from '../../contracts/taps.js';\nexport type T = Tap;\n",
      'src/cli/serve.ts': "import { app } from '../app/App.js';\nexport const a = app;\n",
      // Forbidden, one import each.
      'src/analyzer/toSfu.ts': "import type { Room } from '../sfu/Room.js';\nexport type R = Room;\n",
      'src/analyzer/toOverlay.ts': "import { AffectHub } from '../overlay/AffectHub.js';\nexport const h = AffectHub;\n",
      'src/analyzer/toServer.ts': "import type { Metrics } from '../server/metrics.js';\nexport type M = Metrics;\n",
      'src/sfu/toAnalyzer.ts': "import { FrameAnalyzer } from '../analyzer/FrameAnalyzer.js';\nexport const f = FrameAnalyzer;\n",
      'src/sfu/toOverlay.ts': "import type { AffectHub } from '../overlay/AffectHub.js';\nexport type H = AffectHub;\n",
      'src/sfu/toServer.ts': "import type { Metrics } from '../server/metrics.js';\nexport type M = Metrics;\n",
      'src/overlay/toAnalyzer.ts': "import type { FrameAnalyzer } from '../analyzer/FrameAnalyzer.js';\nexport type F = FrameAnalyzer;\n",
      'src/overlay/toSfu.ts': "import { Room } from '../sfu/Room.js';\nexport const r = Room;\n",
      'src/inference/toAnalyzer.ts': "import type { FrameAnalyzer } from '../analyzer/FrameAnalyzer.js';\nexport type F = FrameAnalyzer;\n",
      'src/contracts/toLog.ts': "import { logger } from '../log/logger.js';\nexport const l = logger;\n",
      'src/web/dashboard/toServer.ts': "import type { Metrics } from '../../server/metrics.js';\nexport type M = Metrics;\n",
      'src/web/meeting/toSfu.ts': "import type { Room } from '../../sfu/Room.js';\nexport type R = Room;\n",
      'src/server/toApp.ts': "import { app } from '../app/App.js';\nexport const a = app;\n",
      'src/analyzer/toNowhere.ts': "import { gone } from './missing.js';\nexport const g = gone;\n",
    };
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const expected: Violation[] = [
      { rule: 'analyzer-not-to-sfu-overlay-server', from: 'src/analyzer/toSfu.ts', to: 'src/sfu/Room.ts' },
      { rule: 'analyzer-not-to-sfu-overlay-server', from: 'src/analyzer/toOverlay.ts', to: 'src/overlay/AffectHub.ts' },
      { rule: 'analyzer-not-to-sfu-overlay-server', from: 'src/analyzer/toServer.ts', to: 'src/server/metrics.ts' },
      { rule: 'sfu-not-to-analyzer-overlay', from: 'src/sfu/toAnalyzer.ts', to: 'src/analyzer/FrameAnalyzer.ts' },
      { rule: 'sfu-not-to-analyzer-overlay', from: 'src/sfu/toOverlay.ts', to: 'src/overlay/AffectHub.ts' },
      { rule: 'media-path-not-to-server', from: 'src/sfu/toServer.ts', to: 'src/server/metrics.ts' },
      { rule: 'overlay-not-to-analyzer-sfu', from: 'src/overlay/toAnalyzer.ts', to: 'src/analyzer/FrameAnalyzer.ts' },
      { rule: 'overlay-not-to-analyzer-sfu', from: 'src/overlay/toSfu.ts', to: 'src/sfu/Room.ts' },
      { rule: 'inference-not-to-analyzer', from: 'src/inference/toAnalyzer.ts', to: 'src/analyzer/FrameAnalyzer.ts' },
      { rule: 'contracts-not-to-other-folders', from: 'src/contracts/toLog.ts', to: 'src/log/logger.ts' },
      { rule: 'web-not-to-server-code', from: 'src/web/dashboard/toServer.ts', to: 'src/server/metrics.ts' },
      { rule: 'web-not-to-server-code', from: 'src/web/meeting/toSfu.ts', to: 'src/sfu/Room.ts' },
      { rule: 'nothing-below-the-composition-root-imports-it', from: 'src/server/toApp.ts', to: 'src/app/App.ts' },
      { rule: 'no-unresolvable-import', from: 'src/analyzer/toNowhere.ts', to: './missing.js' },
    ];
    const run = cruise(dir);
    assert.deepEqual(run.violations.map(key).sort(), expected.map(key).sort());
    const status = testRunStatus(dir);
    assert.ok(status !== null && status > 0, `a violation fails the run (status ${status})`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
