// The token secret: from config when given; otherwise created once and kept in the data directory, so that
// overlay URLs pasted into OBS keep working across restarts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A secret file others can read is made private again (0600) and reported through `warn`: whoever could read
 * it could mint tokens for every room, so the warning says to rotate it.
 */
function keepPrivate(file: string, warn: (message: string, details: Record<string, unknown>) => void): void {
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  fs.chmodSync(file, 0o600);
  warn('the token secret file was readable by other users: made it private (0600); delete it to rotate the key, which invalidates every printed link', {
    file,
    mode: `0${mode.toString(8)}`,
  });
}

export function loadOrCreateSecret(
  dataDir: string,
  configured: string | undefined,
  warn: (message: string, details: Record<string, unknown>) => void = () => undefined,
): string {
  if (configured) return configured;
  const file = path.join(dataDir, 'secret');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    keepPrivate(file, warn);
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = crypto.randomBytes(32).toString('base64url');
  // 'wx' fails if another process created it first; then theirs wins and we read it.
  try {
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return fs.readFileSync(file, 'utf8').trim();
  }
}
