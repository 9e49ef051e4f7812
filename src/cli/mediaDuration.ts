// How long a media file plays, for `analyze`'s progress: ffprobe's container duration, the same ffmpeg
// build that decodes it. Undefined when the file has none (a still image, a stream without an index).
import { execFile } from 'node:child_process';

export function mediaDurationMs(file: string, ffprobePath = 'ffprobe'): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile(
      ffprobePath,
      ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=noprint_wrappers=1:nokey=1', file],
      { timeout: 30_000 },
      (error, stdout) => {
        const seconds = Number(String(stdout).trim());
        // Progress is a convenience: a file ffprobe cannot read still gets analysed (and ffmpeg says why not).
        resolve(!error && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined);
      },
    );
  });
}
