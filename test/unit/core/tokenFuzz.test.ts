// The token parser against arbitrary input (seeded property runs): it never throws anything but a catalogue
// error, never admits a token it did not sign, and a single changed character of a genuine token is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TokenIssuer } from '../../../src/auth/tokens.js';
import { AffectcastError } from '../../../src/contracts/errors.js';

const SEED = 20261202;
const issuer = new TokenIssuer('k'.repeat(40));

/** The token's three parts as the bytes they stand for (hex). */
function decodedParts(token: string): string[] {
  const [prefix = '', body = '', mac = ''] = token.split('.');
  return [prefix, Buffer.from(body, 'base64url').toString('hex'), Buffer.from(mac, 'base64url').toString('hex'), String(token.split('.').length)];
}

function outcome(token: unknown): string {
  try {
    issuer.verify(token, ['meeting', 'overlay', 'dashboard']);
    return 'admitted';
  } catch (error) {
    assert.ok(error instanceof AffectcastError, `threw ${String(error)}`);
    return error.code;
  }
}

test('arbitrary values and strings are refused with UNAUTHORIZED, never anything else', () => {
  fc.assert(
    fc.property(fc.oneof(fc.anything(), fc.string(), fc.string().map((s) => `ac1.${s}`), fc.tuple(fc.string(), fc.string()).map(([a, b]) => `ac1.${a}.${b}`)), (value) => {
      assert.equal(outcome(value), 'UNAUTHORIZED');
    }),
    { seed: SEED, numRuns: 3_000 },
  );
});

test('a genuine token with any one character changed is refused', () => {
  const token = issuer.issue('room', 'overlay', 3_600_000);
  assert.equal(outcome(token), 'admitted');
  fc.assert(
    fc.property(fc.nat(token.length - 1), fc.string({ minLength: 1, maxLength: 1 }), (index, replacement) => {
      fc.pre(token[index] !== replacement);
      const changed = token.slice(0, index) + replacement + token.slice(index + 1);
      // base64url has spare bits in the last character of each part: a change there can decode to the same
      // bytes, which is the same token, not a forgery.
      const same = decodedParts(changed).every((part, i) => part === decodedParts(token)[i]);
      if (!same) assert.equal(outcome(changed), 'UNAUTHORIZED', `changed at ${index} to ${JSON.stringify(replacement)}`);
    }),
    { seed: SEED, numRuns: 2_000 },
  );
});
