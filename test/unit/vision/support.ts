// Shared helpers for the vision tests: real images (decoded by Debian's ffmpeg) and the built models.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RgbImage } from '../../../src/analyzer/image/warp.js';
import { PROJECT_ROOT } from '../../../src/config/schema.js';

const run = promisify(execFile);

/** Where the ONNX models and manifests are: models/build (what setup builds; never an inherited setting). */
export function modelsDir(): string {
  return path.join(PROJECT_ROOT, 'models', 'build');
}

/** Fails with a clear message when the models were never built (these tests need the real networks). */
export function requireModels(...ids: string[]): string {
  const dir = modelsDir();
  const missing = ids.filter((id) => !existsSync(path.join(dir, `${id}.json`)));
  if (missing.length > 0) {
    throw new Error(`models ${missing.join(', ')} not found in ${dir}: run 'node bin/affectcast.js models build' or set AFFECTCAST_MODELS_DIR`);
  }
  return dir;
}

let facesPromise: Promise<Record<string, string>> | undefined;

/** Public-domain face photos (astronaut, grace_hopper), extracted once by test/fixtures/faces.sh. */
export function facePhotos(): Promise<Record<string, string>> {
  facesPromise ??= run('bash', [path.join(PROJECT_ROOT, 'test', 'fixtures', 'faces.sh')]).then(({ stdout }) =>
    Object.fromEntries(stdout.trim().split('\n').map((line) => line.split('=', 2) as [string, string])),
  );
  return facesPromise;
}

/** Decodes any image ffmpeg reads to rgb24, optionally scaled to `width` (height follows the aspect ratio). */
export async function decodeImage(file: string, width?: number): Promise<RgbImage> {
  const probe = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file]);
  let [w, h] = probe.stdout.trim().split(',').map(Number) as [number, number];
  const filters: string[] = [];
  if (width !== undefined && width !== w) {
    h = Math.round((h * width) / w / 2) * 2;
    w = width;
    filters.push('-vf', `scale=${w}:${h}:flags=bilinear`);
  }
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', file, ...filters, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
  });
  const data = new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.byteLength);
  if (data.length !== w * h * 3) throw new Error(`ffmpeg gave ${data.length} bytes for ${w}x${h} rgb24`);
  return { width: w, height: h, data };
}

/** A w x h frame from `src` shifted by (dx, dy) whole pixels (zeros where nothing is shifted in). */
export function shifted(src: RgbImage, dx: number, dy: number): RgbImage {
  const { width, height } = src;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= height) continue;
    for (let x = 0; x < width; x++) {
      const sx = x - dx;
      if (sx < 0 || sx >= width) continue;
      const o = (y * width + x) * 3;
      const i = (sy * width + sx) * 3;
      data[o] = src.data[i] as number;
      data[o + 1] = src.data[i + 1] as number;
      data[o + 2] = src.data[i + 2] as number;
    }
  }
  return { width, height, data };
}

/** Uniform grey, and deterministic uniform noise (xorshift), as non-face frames. */
export function greyFrame(width: number, height: number, level = 128): RgbImage {
  return { width, height, data: new Uint8Array(width * height * 3).fill(level) };
}

export function noiseFrame(width: number, height: number, seed = 12345): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    data[i] = s & 255;
  }
  return { width, height, data };
}
