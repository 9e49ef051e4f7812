// Looks at what a <video> shows: draws the current frame into a small canvas and measures its mean colour
// and how much of it is not black. Used by tests (window.affectcastMeeting.probe) and handy when debugging.
import type { VideoProbe } from './pageState.js';
let canvas: HTMLCanvasElement | undefined;

export function probeVideo(video: HTMLVideoElement, size: { width: number; height: number } = { width: 160, height: 120 }): VideoProbe | null {
  if (video.videoWidth === 0 || video.readyState < 2) return null;
  canvas ??= document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const g = canvas.getContext('2d', { willReadFrequently: true });
  if (!g) return null;
  g.drawImage(video, 0, 0, size.width, size.height);
  const d = g.getImageData(0, 0, size.width, size.height).data;
  let r = 0;
  let gr = 0;
  let b = 0;
  let lit = 0;
  for (let i = 0; i < d.length; i += 4) {
    const pr = d[i] ?? 0;
    const pg = d[i + 1] ?? 0;
    const pb = d[i + 2] ?? 0;
    r += pr;
    gr += pg;
    b += pb;
    if (pr + pg + pb > 30) lit++;
  }
  const n = d.length / 4;
  return { width: video.videoWidth, height: video.videoHeight, meanRgb: [r / n, gr / n, b / n], nonBlack: lit / n };
}
