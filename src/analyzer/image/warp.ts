// The one bilinear sampler every model crop goes through: an affine map from output pixels to source
// pixels, rgb24 in, float32 NHWC out, with the value scaling each model was trained with. Crops for
// BlazeFace (square letterbox), FaceMesh (rotated square) and face-api (its own pad+resize) differ only
// in the map and the edge rules passed here.
import type { Affine, Box } from './geometry.js';
import { boxCropAffine } from './geometry.js';

/** The pixels of a decoded frame (VideoFrame satisfies it). */
export interface RgbImage {
  width: number;
  height: number;
  /** rgb24, row-major, width * height * 3 bytes. */
  data: Uint8Array;
}

/** Integer pixel-index rectangle [x0, x1) x [y0, y1). */
export interface PixelRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface WarpOptions {
  /** Pixels that may be read; anything outside reads as 0 (before scale/offset). Default: the whole image. */
  readable?: PixelRect;
  /**
   * Clamp the sample position into this index rectangle before interpolating (TensorFlow's resize edge
   * rule: the last rows repeat instead of blending with what lies beyond). Default: no clamping.
   */
  clampTo?: PixelRect;
  /** out = pixel * scale + offset (e.g. 1/127.5 and -1 for BlazeFace). Defaults 1 and 0. */
  scale?: number;
  offset?: number;
  /** Where in `out` the crop starts (for writing one item of a batch). Default 0. */
  outOffset?: number;
}

/**
 * Samples `src` at m(u + 0.5, v + 0.5) for every output pixel (u, v) (continuous coordinates, see
 * geometry.ts), bilinearly, and writes outW x outH x 3 floats into `out` (NHWC, RGB).
 */
export function warpBilinear(
  src: RgbImage,
  m: Affine,
  out: Float32Array,
  outW: number,
  outH: number,
  options: WarpOptions = {},
): void {
  const { width, height, data } = src;
  if (data.length < width * height * 3) throw new RangeError('rgb24 buffer is shorter than width*height*3');
  const base = options.outOffset ?? 0;
  if (out.length < base + outW * outH * 3) throw new RangeError('output buffer too small');
  const scale = options.scale ?? 1;
  const offset = options.offset ?? 0;
  const rd = options.readable ?? { x0: 0, y0: 0, x1: width, y1: height };
  const rx0 = Math.max(0, rd.x0), ry0 = Math.max(0, rd.y0);
  const rx1 = Math.min(width, rd.x1), ry1 = Math.min(height, rd.y1);
  const cl = options.clampTo;
  const [a, b, c, d, e, f] = m;
  const stride = width * 3;
  let o = base;
  for (let v = 0; v < outH; v++) {
    const vc = v + 0.5;
    // index-space position of output pixel (0, v): continuous minus half a pixel
    let x = a * 0.5 + b * vc + c - 0.5;
    let y = d * 0.5 + e * vc + f - 0.5;
    for (let u = 0; u < outW; u++, x += a, y += d) {
      let sx = x;
      let sy = y;
      if (cl !== undefined) {
        sx = sx < cl.x0 ? cl.x0 : sx > cl.x1 - 1 ? cl.x1 - 1 : sx;
        sy = sy < cl.y0 ? cl.y0 : sy > cl.y1 - 1 ? cl.y1 - 1 : sy;
      }
      const ix = Math.floor(sx);
      const iy = Math.floor(sy);
      const fx = sx - ix;
      const fy = sy - iy;
      const p = iy * stride + ix * 3;
      if (ix >= rx0 && ix + 1 < rx1 && iy >= ry0 && iy + 1 < ry1) {
        // fast path: all four neighbours readable
        for (let ch = 0; ch < 3; ch++) {
          const tl = data[p + ch] as number;
          const tr = data[p + 3 + ch] as number;
          const bl = data[p + stride + ch] as number;
          const br = data[p + stride + 3 + ch] as number;
          const top = tl + (tr - tl) * fx;
          const bottom = bl + (br - bl) * fx;
          out[o++] = (top + (bottom - top) * fy) * scale + offset;
        }
      } else {
        const inX0 = ix >= rx0 && ix < rx1;
        const inX1 = ix + 1 >= rx0 && ix + 1 < rx1;
        const inY0 = iy >= ry0 && iy < ry1;
        const inY1 = iy + 1 >= ry0 && iy + 1 < ry1;
        for (let ch = 0; ch < 3; ch++) {
          const tl = inX0 && inY0 ? (data[p + ch] as number) : 0;
          const tr = inX1 && inY0 ? (data[p + 3 + ch] as number) : 0;
          const bl = inX0 && inY1 ? (data[p + stride + ch] as number) : 0;
          const br = inX1 && inY1 ? (data[p + stride + 3 + ch] as number) : 0;
          const top = tl + (tr - tl) * fx;
          const bottom = bl + (br - bl) * fx;
          out[o++] = (top + (bottom - top) * fy) * scale + offset;
        }
      }
    }
  }
}

/** Crop `box` (continuous frame coordinates, may extend past the frame: zeros there) and resize to outW x outH. */
export function cropResize(
  src: RgbImage,
  box: Box,
  out: Float32Array,
  outW: number,
  outH: number,
  options: Omit<WarpOptions, 'clampTo' | 'readable'> = {},
): void {
  warpBilinear(src, boxCropAffine(box, outW, outH), out, outW, outH, options);
}

/**
 * The square (side = the longer frame side) centred on the frame: what "pad to square, centred, with
 * zeros" means before a square model input. Returned in continuous frame coordinates.
 */
export function letterboxSquare(width: number, height: number): Box {
  const side = Math.max(width, height);
  return { x: (width - side) / 2, y: (height - side) / 2, width: side, height: side };
}
