import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { TokenIssuer } from '../../../src/auth/tokens.js';
import { loadOrCreateSecret } from '../../../src/auth/secret.js';
import { AffectcastError } from '../../../src/contracts/errors.js';

const SECRET = 'x'.repeat(40);
const HOUR = 3_600_000;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AffectcastError, `expected AffectcastError, got ${String(error)}`);
    return error.code;
  }
  return 'no error';
}

test('a token grants its own room and scope until it expires', () => {
  const issuer = new TokenIssuer(SECRET);
  const now = Date.UTC(2026, 0, 1);
  const token = issuer.issue('studio', 'overlay', HOUR, now);
  const claims = issuer.verify(token, ['overlay'], 'studio', now + HOUR - 1000);
  assert.equal(claims.room, 'studio');
  assert.equal(claims.scope, 'overlay');
  assert.equal(codeOf(() => issuer.verify(token, ['overlay'], 'studio', now + HOUR + 1000)), 'UNAUTHORIZED');
});

test('other rooms, other scopes, forgeries and garbage are refused with distinct codes', () => {
  const issuer = new TokenIssuer(SECRET);
  const token = issuer.issue('studio', 'overlay', HOUR);
  assert.equal(codeOf(() => issuer.verify(token, ['overlay'], 'other-room')), 'FORBIDDEN');
  assert.equal(codeOf(() => issuer.verify(token, ['meeting'])), 'FORBIDDEN');
  assert.equal(codeOf(() => new TokenIssuer('y'.repeat(40)).verify(token, ['overlay'])), 'UNAUTHORIZED');
  const [prefix, body, mac] = token.split('.');
  const forgedBody = Buffer.from(JSON.stringify({ room: 'studio', scope: 'dashboard', exp: 9e9, jti: 'abcdefghij' })).toString('base64url');
  assert.equal(codeOf(() => issuer.verify(`${prefix}.${forgedBody}.${mac}`, ['dashboard'])), 'UNAUTHORIZED');
  assert.equal(codeOf(() => issuer.verify(`${prefix}.${body}`, ['overlay'])), 'UNAUTHORIZED');
  for (const junk of [undefined, '', 42, 'a.b.c', {}]) assert.equal(codeOf(() => issuer.verify(junk, ['overlay'])), 'UNAUTHORIZED');
});

test('two tokens issued at the same moment differ', () => {
  const issuer = new TokenIssuer(SECRET);
  const now = Date.now();
  assert.notEqual(issuer.issue('a', 'meeting', HOUR, now), issuer.issue('a', 'meeting', HOUR, now));
});

test('a short secret is a configuration error', () => {
  assert.equal(codeOf(() => new TokenIssuer('short')), 'CONFIG_INVALID');
});

test('the generated secret persists with owner-only permissions, so printed URLs survive a restart', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-secret-'));
  try {
    const first = loadOrCreateSecret(path.join(dir, 'state'), undefined);
    const second = loadOrCreateSecret(path.join(dir, 'state'), undefined);
    assert.equal(first, second);
    assert.ok(first.length >= 32);
    assert.equal(fs.statSync(path.join(dir, 'state', 'secret')).mode & 0o777, 0o600);
    assert.equal(loadOrCreateSecret(path.join(dir, 'state'), 'z'.repeat(32)), 'z'.repeat(32));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
