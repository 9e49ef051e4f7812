import fs from 'node:fs';

/**
 * Write-then-rename, so a reader (the analyzer, a second build) sees the old file or the new one, never half
 * of one. The temp name carries the pid so two concurrent builds do not write into each other's file.
 */
export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}
