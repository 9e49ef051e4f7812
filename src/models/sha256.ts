import { createHash } from 'node:crypto';
import fs from 'node:fs';

/** Model files are a few MB: reading them whole is simpler than streaming and just as fast. */
export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export function sha256Bytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
