// Separable antialiased bilinear resize, the algorithm of torch.nn.functional.interpolate(mode='bilinear',
// antialias=True, align_corners=False) (itself PIL's): each output pixel averages the input under a triangle
// filter stretched by the scale factor, so a downscale does not alias. The avmt network was trained on faces
// resized 112 → 96 this way (models/avmt/data/images.py); serving must feed it the same pixels.

interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float64Array;
  support: number;
}

function taps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const support = scale >= 1 ? scale : 1; // bilinear: triangle of radius 1, widened when downscaling
  const invScale = scale >= 1 ? 1 / scale : 1;
  const width = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * width);
  for (let i = 0; i < outSize; i++) {
    const centre = scale * (i + 0.5);
    const xmin = Math.max(Math.trunc(centre - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(centre + support + 0.5), inSize);
    let total = 0;
    for (let j = xmin; j < xmax; j++) {
      const w = Math.max(0, 1 - Math.abs((j - centre + 0.5) * invScale));
      weights[i * width + (j - xmin)] = w;
      total += w;
    }
    for (let j = 0; j < xmax - xmin; j++) weights[i * width + j] = total > 0 ? (weights[i * width + j] as number) / total : 0;
    start[i] = xmin;
    count[i] = xmax - xmin;
  }
  return { start, count, weights, support: width };
}

/**
 * Resizes an HWC float image with `channels` channels from inW x inH to outW x outH (horizontal pass, then
 * vertical, as torch does). `out` receives outH * outW * channels floats.
 */
export function resizeAntialiased(
  src: Float32Array,
  inW: number,
  inH: number,
  out: Float32Array,
  outW: number,
  outH: number,
  channels = 3,
): void {
  const h = taps(inW, outW);
  const v = taps(inH, outH);
  const tmp = new Float64Array(inH * outW * channels);
  for (let y = 0; y < inH; y++) {
    for (let x = 0; x < outW; x++) {
      const s = h.start[x] as number;
      const n = h.count[x] as number;
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let k = 0; k < n; k++) acc += (src[(y * inW + s + k) * channels + c] as number) * (h.weights[x * h.support + k] as number);
        tmp[(y * outW + x) * channels + c] = acc;
      }
    }
  }
  for (let y = 0; y < outH; y++) {
    const s = v.start[y] as number;
    const n = v.count[y] as number;
    for (let x = 0; x < outW; x++) {
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let k = 0; k < n; k++) acc += (tmp[((s + k) * outW + x) * channels + c] as number) * (v.weights[y * v.support + k] as number);
        out[(y * outW + x) * channels + c] = acc;
      }
    }
  }
}
