// Where tests leave screenshots and logs for a human: $AFFECTCAST_TEST_ARTIFACTS (scripts/test.sh sets it to
// <repo>/test-results), else ./test-results.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

export function artifactsDir(): string {
  const dir = path.resolve(process.env.AFFECTCAST_TEST_ARTIFACTS ?? 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A file name made safe from a test's name. */
export function artifactPath(name: string): string {
  return path.join(artifactsDir(), name.replace(/[^A-Za-z0-9._-]+/g, '_'));
}

export async function saveScreenshot(page: Page, name: string): Promise<string | undefined> {
  const file = artifactPath(name.endsWith('.png') ? name : `${name}.png`);
  try {
    await page.screenshot({ path: file, timeout: 5_000 });
    return file;
  } catch {
    return undefined; // the page may be gone; a missing screenshot must not hide the real failure
  }
}

export function saveText(name: string, text: string): string {
  const file = artifactPath(name);
  fs.writeFileSync(file, text);
  return file;
}
