// The whole audio track of a file as 16 kHz mono PCM, for profiles that read the trailing audio window of
// each analysed frame (the file is not live, so the window ending at a frame's media time is exact).
import { spawn } from 'node:child_process';
import { PCM_SAMPLE_RATE } from '../media/frames.js';

/** Empty when the file has no audio track. */
export function decodeFileAudio(file: string, ffmpegPath = 'ffmpeg'): Promise<Int16Array> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', file, '-map', '0:a:0?', '-ac', '1', '-ar', String(PCM_SAMPLE_RATE), '-f', 's16le', 'pipe:1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`ffmpeg could not read the audio of ${file}: ${stderr.trim()}`));
      const all = Buffer.concat(chunks);
      // s16le on a little-endian host: the bytes are the samples (copied into an aligned buffer)
      resolve(new Int16Array(all.buffer.slice(all.byteOffset, all.byteOffset + (all.length & ~1))));
    });
  });
}
