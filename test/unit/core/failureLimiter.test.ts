// Refused tokens per address: blocked at the limit for the rest of its minute, then free again; addresses
// are independent, and the table of addresses stays bounded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FailureLimiter } from '../../../src/auth/FailureLimiter.js';

test('blocks an address at the limit until its window ends; other addresses are not affected', { timeout: 5_000 }, () => {
  const limiter = new FailureLimiter(3, 60_000, 2);
  const t0 = 1_000_000;
  for (let i = 0; i < 2; i++) limiter.fail('10.0.0.1', t0 + i);
  assert.equal(limiter.blocked('10.0.0.1', t0 + 10), false);
  limiter.fail('10.0.0.1', t0 + 20);
  assert.equal(limiter.blocked('10.0.0.1', t0 + 30), true);
  assert.equal(limiter.blocked('10.0.0.2', t0 + 30), false);
  assert.equal(limiter.blocked('10.0.0.1', t0 + 59_999), true);
  assert.equal(limiter.blocked('10.0.0.1', t0 + 60_000), false, 'a new minute');
  limiter.fail('a', t0);
  limiter.fail('b', t0);
  limiter.fail('c', t0);
  for (let i = 0; i < 3; i++) limiter.fail('c', t0 + 1);
  assert.equal(limiter.blocked('c', t0 + 2), true, 'bounded table keeps the newest');
});
