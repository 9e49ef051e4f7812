// The bench's clip, made at run time from a public-domain photo: one face at 640×480, with head motion
// (the head sways, nods and rolls a little, as on a webcam) so that detection and tracking do real work on
// every frame. Encoded once to VP8 with a key frame every half second, so that most senders can copy it
// instead of encoding (see rtpPublisher.ts); every motion period divides the clip's length, so the loop has
// no seam. The bottom 32 rows stay clear of the face for the pixel stamp.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { AffectcastError } from '../contracts/errors.js';
import { PROJECT_ROOT } from '../config/schema.js';

const run = promisify(execFile);

export const CLIP_WIDTH = 640;
export const CLIP_HEIGHT = 480;
const CLIP_SECONDS = 6;

export interface BenchClip {
  file: string;
  photo: string;
  width: number;
  height: number;
  fps: number;
  seconds: number;
}

/**
 * US Navy photo of RADM Grace Hopper (public domain), as the project's face fixtures extract it from a
 * Debian package (test/fixtures/faces.sh, cached after the first run).
 */
export async function defaultPhoto(): Promise<string> {
  const script = path.join(PROJECT_ROOT, 'test', 'fixtures', 'faces.sh');
  const { stdout } = await run('bash', [script], { timeout: 300_000 }).catch((error: unknown) => {
    throw new AffectcastError('NOT_FOUND', `could not get the bench photo (${script}); pass --photo FILE: ${(error as Error).message}`);
  });
  const line = stdout.split('\n').find((l) => l.startsWith('grace_hopper='));
  if (!line) throw new AffectcastError('NOT_FOUND', `${script} named no grace_hopper photo; pass --photo FILE`);
  return line.slice('grace_hopper='.length);
}

/** Writes the clip into `dir` (a few seconds of encoding). */
export async function makeBenchClip(photo: string, dir: string, fps: number): Promise<BenchClip> {
  const file = path.join(dir, 'bench-clip.webm');
  const T = CLIP_SECONDS;
  const motion = [
    // the photo scaled past the frame, so that rotation and the moving crop never show an edge
    'scale=720:720',
    `rotate=a='0.10*sin(2*PI*t/${T / 2})':fillcolor=gray`,
    `crop=${CLIP_WIDTH}:${CLIP_HEIGHT}:x='40+30*sin(2*PI*t/${T})':y='150+25*sin(2*PI*t/${T / 3})'`,
    'format=yuv420p',
  ].join(',');
  await run(
    'ffmpeg',
    [
      '-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-loop', '1', '-framerate', String(fps), '-t', String(T), '-i', photo,
      '-vf', motion, '-c:v', 'libvpx', '-deadline', 'good', '-cpu-used', '4', '-b:v', '600k',
      '-g', String(Math.max(1, Math.round(fps / 2))), '-keyint_min', String(Math.max(1, Math.round(fps / 2))), file,
    ],
    { timeout: 300_000 },
  ).catch((error: unknown) => {
    throw new AffectcastError('INTERNAL', `ffmpeg could not make the bench clip from ${photo}: ${(error as Error).message}`);
  });
  return { file, photo, width: CLIP_WIDTH, height: CLIP_HEIGHT, fps, seconds: T };
}
