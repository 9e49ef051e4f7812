import assert from 'node:assert/strict';
import crypto from 'node:crypto';
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

test('a token grants its own room and role until it expires', () => {
  const issuer = new TokenIssuer(SECRET);
  const now = Date.UTC(2026, 0, 1);
  const token = issuer.issue('studio', 'overlay', HOUR, now);
  const claims = issuer.verify(token, ['overlay'], 'studio', now + HOUR - 1000);
  assert.equal(claims.room, 'studio');
  assert.equal(claims.role, 'overlay');
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

/** A token as minted before roles existed: `scope` instead of `role`, signed the same way. */
function legacyToken(secret: string, claims: Record<string, unknown>): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const mac = crypto.createHmac('sha256', secret).update(`ac1.${body}`).digest('base64url');
  return `ac1.${body}.${mac}`;
}

test('roles: publish, overlay, dashboard, admin; meeting is the old name of publish', () => {
  const issuer = new TokenIssuer(SECRET);
  for (const role of ['publish', 'overlay', 'dashboard', 'admin'] as const) {
    const token = issuer.issue('r', role, HOUR);
    assert.equal(issuer.verify(token, [role], 'r').role, role);
    for (const other of ['publish', 'overlay', 'dashboard', 'admin'] as const) {
      if (other !== role) assert.equal(codeOf(() => issuer.verify(token, [other], 'r')), 'FORBIDDEN', `${role} as ${other}`);
    }
  }
  assert.equal(issuer.verify(issuer.issue('r', 'meeting', HOUR), ['publish']).role, 'publish');
  assert.equal(issuer.verify(issuer.issue('r', 'publish', HOUR), ['meeting']).role, 'publish');
});

test('tokens minted before roles (scope meeting/overlay/dashboard) keep working until they expire', () => {
  const issuer = new TokenIssuer(SECRET);
  const exp = Math.floor(Date.now() / 1000) + 3600;
  assert.equal(issuer.verify(legacyToken(SECRET, { room: 'r', scope: 'meeting', exp, jti: 'legacy-123' }), ['publish'], 'r').role, 'publish');
  assert.equal(issuer.verify(legacyToken(SECRET, { room: 'r', scope: 'overlay', exp, jti: 'legacy-124' }), ['overlay'], 'r').role, 'overlay');
  assert.equal(codeOf(() => issuer.verify(legacyToken(SECRET, { room: 'r', scope: 'meeting', exp: exp - 7200, jti: 'legacy-125' }), ['publish'])), 'UNAUTHORIZED');
  assert.equal(codeOf(() => issuer.verify(legacyToken(SECRET, { room: 'r', scope: 'admin', exp, jti: 'legacy-126' }), ['admin'])), 'UNAUTHORIZED', 'there were no legacy admin tokens');
});

test('a revoked token is refused (UNAUTHORIZED), whatever it grants', () => {
  const revoked = new Set<string>();
  const issuer = new TokenIssuer(SECRET, { isRevoked: (id) => revoked.has(id) });
  const { token, claims } = issuer.mint('r', 'dashboard', HOUR);
  assert.equal(issuer.verify(token, ['dashboard'], 'r').jti, claims.jti);
  revoked.add(claims.jti);
  assert.equal(codeOf(() => issuer.verify(token, ['dashboard'], 'r')), 'UNAUTHORIZED');
  const exp = Math.floor(Date.now() / 1000) + 3600;
  revoked.add('legacy-999');
  assert.equal(codeOf(() => issuer.verify(legacyToken(SECRET, { room: 'r', scope: 'overlay', exp, jti: 'legacy-999' }), ['overlay'])), 'UNAUTHORIZED');
});

test('two tokens issued at the same moment differ', () => {
  const issuer = new TokenIssuer(SECRET);
  const now = Date.now();
  assert.notEqual(issuer.issue('a', 'meeting', HOUR, now), issuer.issue('a', 'meeting', HOUR, now));
});

test('token ids can be typed as a command-line argument: never a leading "-", only [0-9a-f]', () => {
  // with base64url ids, about 1 in 64 began with '-', and `affectcast token revoke ID` read it as an option
  const issuer = new TokenIssuer(SECRET);
  for (let i = 0; i < 2_000; i++) assert.match(issuer.mint('a', 'overlay', HOUR).claims.jti, /^[0-9a-f]{18}$/);
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
