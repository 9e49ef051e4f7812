// Test media (scripts/test-media.sh, generated into the cache on first use) and the measures the tests compare
// against them: mean colour of a frame, RMS of PCM.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface TestMedia {
  /** 640x480 15 fps y4m of a still portrait, for --use-file-for-fake-video-capture. */
  astronautY4m: string;
  graceHopperY4m: string;
  /** espeak-ng speech, 48 kHz mono s16, for --use-file-for-fake-audio-capture. */
  speechWav: string;
  astronautPng: string;
  graceHopperJpg: string;
}

let cached: TestMedia | undefined;

/** Paths of the test media, generating them if needed (about 1 s the first time, then instant). */
export function testMedia(): TestMedia {
  if (cached) return cached;
  const out = execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'test-media.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 300_000 });
  const kv = Object.fromEntries(
    out
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const need = (key: string): string => {
    const value = kv[key];
    if (!value) throw new Error(`scripts/test-media.sh did not report ${key}`);
    return value;
  };
  cached = {
    astronautY4m: need('astronaut_y4m'),
    graceHopperY4m: need('grace_hopper_y4m'),
    speechWav: need('speech_wav'),
    astronautPng: need('astronaut_png'),
    graceHopperJpg: need('grace_hopper_jpg'),
  };
  return cached;
}

export type Rgb = [r: number, g: number, b: number];

/** Mean R, G, B of packed rgb24 (or, with stride 4, rgba) pixels. */
export function meanRgb(data: Uint8Array | Uint8ClampedArray, stride = 3): Rgb {
  let r = 0;
  let g = 0;
  let b = 0;
  const n = Math.floor(data.length / stride);
  for (let i = 0; i < n * stride; i += stride) {
    r += data[i] ?? 0;
    g += data[i + 1] ?? 0;
    b += data[i + 2] ?? 0;
  }
  return [r / n, g / n, b / n];
}

/** Largest per-channel difference. */
export function rgbDistance(a: Rgb, b: Rgb): number {
  return Math.max(Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1]), Math.abs(a[2] - b[2]));
}

/** Mean colour of the first frame of a media file, decoded by ffmpeg (the same colour path as the decoders). */
export function referenceMeanRgb(file: string, width = 320, height = 240): Rgb {
  const result = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-frames:v', '1', '-vf', `scale=${width}:${height}`, '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-'],
    { maxBuffer: 64 << 20 },
  );
  if (result.status !== 0 || result.stdout.length !== width * height * 3) {
    throw new Error(`ffmpeg could not decode ${file}: ${String(result.stderr)}`);
  }
  return meanRgb(result.stdout);
}

/** RMS of s16 samples (speech from the test wav is around 2700, −21.5 dBFS; silence is under 50). */
export function rms(chunks: readonly Int16Array[]): number {
  let sum = 0;
  let n = 0;
  for (const chunk of chunks) {
    for (const s of chunk) sum += s * s;
    n += chunk.length;
  }
  return n === 0 ? 0 : Math.sqrt(sum / n);
}

/** RMS of the whole test wav, resampled like the decoders do (16 kHz mono). */
export function referenceRms(wav: string): number {
  const result = spawnSync('ffmpeg', ['-v', 'error', '-i', wav, '-ac', '1', '-ar', '16000', '-f', 's16le', '-'], { maxBuffer: 64 << 20, timeout: 120_000 });
  if (result.status !== 0) throw new Error(`ffmpeg could not decode ${wav}`);
  const buf = result.stdout;
  const samples = new Int16Array(buf.length >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(2 * i);
  return rms([samples]);
}
