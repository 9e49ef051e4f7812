// The token secret file: a copy that other users can read is made private again, with a warning that says
// to rotate it; the secret itself is kept (printed links go on working).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadOrCreateSecret } from '../../../src/auth/secret.js';

test('a secret file readable by others is made private (0600) with a warning, and still used', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-secret-'));
  try {
    const file = path.join(dir, 'secret');
    fs.writeFileSync(file, `${'s'.repeat(43)}\n`, { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    const warnings: string[] = [];
    assert.equal(loadOrCreateSecret(dir, undefined, (message) => warnings.push(message)), 's'.repeat(43));
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /readable by other users.*rotate/);
    // Private already: no warning the second time.
    loadOrCreateSecret(dir, undefined, (message) => warnings.push(message));
    assert.equal(warnings.length, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
