// The project's files speak of the project alone: a user's clone has no research notes, design folders or
// checkouts beside it, so no comment or document may send a reader there.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../support/media.js';

const ROOTS = ['src', 'scripts', 'docker', 'bin', 'test', 'models', 'README.md', '.ci'];
/** Generated or binary content, not written by the project. */
const SKIP = [/^models\/build\//, /^models\/vendor\//, /\/__pycache__\//, /\.(onnx|tflite|task|bin|png|jpg|y4m|wav|zip)$/];
/** Pointers outside the repository: research notes, the workspace's shared design folder, a workspace path (src/web/shared is ours). */
const OUTSIDE = [/\bresearch\/[\w-]+\/?/, /\bNOTES\.md\b/, /\bshared\/(design|research|hooks)\b/, /\/work\/(shared|main|wt-)/, /\bresearch notes\b/i];

function* files(entry: string): Generator<string> {
  const full = path.join(REPO_ROOT, entry);
  if (!fs.existsSync(full)) return;
  if (fs.statSync(full).isFile()) {
    yield entry;
    return;
  }
  for (const child of fs.readdirSync(full)) yield* files(path.join(entry, child));
}

test('no comment or document points outside the repository', { timeout: 60_000 }, () => {
  const found: string[] = [];
  let checked = 0;
  for (const root of ROOTS) {
    for (const file of files(root)) {
      if (SKIP.some((re) => re.test(file)) || file === path.join('test', 'unit', 'deploy', 'selfContained.test.ts')) continue;
      checked++;
      fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const re of OUTSIDE) if (re.test(line)) found.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
  }
  assert.ok(checked > 100, `checked ${checked} files`);
  assert.deepEqual(found, []);
});
