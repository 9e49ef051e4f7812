// Shared helpers for the model tests: deterministic random inputs, image decoding with Debian's ffmpeg,
// a bilinear crop, and the reference implementations (tfjs graph models, face-api's own network).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as tfc from '@tensorflow/tfjs-converter';
import * as tfcore from '@tensorflow/tfjs-core';
import faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import { PROJECT_ROOT } from '../../../src/config/schema.js';

// face-api's bundle and tfjs-core resolve to the same tfjs-core module, hence one engine and one backend;
// face-api's tensors are made with its own `tf` only because its typings are a separate copy.
export const tf = tfcore;
export { faceapi };

export const HUMAN_MODELS = path.join(PROJECT_ROOT, 'node_modules', '@vladmandic', 'human', 'models');
export const FACEAPI_MODELS = path.join(PROJECT_ROOT, 'node_modules', '@vladmandic', 'face-api', 'model');
export const SAMPLE_IMAGE = path.join(PROJECT_ROOT, 'node_modules', '@vladmandic', 'face-api', 'demo', 'sample1.jpg');

/** Runs the reference implementations on tfjs' pure-JS cpu backend, the one the conversion was proven on. */
export async function useCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** mulberry32: seeded, so a failing comparison can be reproduced exactly. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomArray(n: number, lo: number, hi: number, random: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * random());
}

export interface Difference {
  /** max |a − ref| */
  abs: number;
  /** max |ref| */
  refMax: number;
  /** abs / max(1, refMax): the absolute difference for tensors within [-1, 1] (probabilities), relative to the range above. */
  normwise: number;
}

/**
 * Compares a tensor with its reference. Pixel coordinates and raw logits reach |x| ~ 10^3, where one float32
 * ulp is already 1.2e-4 and a different (equally valid) summation order moves values by several ulps; so the
 * error is measured against the tensor's range. Element-wise relative error would
 * be wrong too: values that are small only through cancellation carry the error of their large terms.
 */
export function compare(a: ArrayLike<number>, ref: ArrayLike<number>): Difference {
  if (a.length !== ref.length) throw new Error(`length ${a.length} vs ${ref.length}`);
  let abs = 0;
  let refMax = 0;
  for (let i = 0; i < a.length; i++) {
    const r = ref[i] ?? Number.NaN;
    const d = Math.abs((a[i] ?? Number.NaN) - r);
    // A NaN must fail the comparison, not vanish in Math.max.
    if (!Number.isFinite(d)) return { abs: Number.POSITIVE_INFINITY, refMax: Number.NaN, normwise: Number.POSITIVE_INFINITY };
    abs = Math.max(abs, d);
    refMax = Math.max(refMax, Math.abs(r));
  }
  return { abs, refMax, normwise: abs / Math.max(1, refMax) };
}

export const describeDifference = (d: Difference): string =>
  `max abs diff ${d.abs.toExponential(2)} (max |ref| ${d.refMax.toPrecision(4)}, normwise ${d.normwise.toExponential(2)})`;

/** Column `c` of a row-major [rows, width] array. */
export function column(data: ArrayLike<number>, c: number, width: number): Float32Array {
  return Float32Array.from({ length: Math.floor(data.length / width) }, (_, r) => data[r * width + c] ?? Number.NaN);
}

export interface RgbImage {
  width: number;
  height: number;
  /** Interleaved RGB, 0..255. */
  rgb: Float32Array;
}

/** Decodes an image to RGB with ffmpeg, scaled to `width` (aspect kept, even height). */
export function decodeImage(file: string, width: number): RgbImage {
  const probe = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const [w0, h0] = probe.trim().split(',').map(Number);
  if (!w0 || !h0) throw new Error(`ffprobe could not size ${file}`);
  const height = 2 * Math.round((width * h0) / w0 / 2);
  const raw = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-vf', `scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
  );
  if (raw.length !== width * height * 3) throw new Error(`ffmpeg returned ${raw.length} bytes for ${width}x${height}`);
  return { width, height, rgb: Float32Array.from(raw) };
}

/** Bilinear crop of box [x0,y0,x1,y1] (pixels) resized to size×size, zero outside the image. */
export function cropResize(img: RgbImage, box: readonly [number, number, number, number], size: number): Float32Array {
  const out = new Float32Array(size * size * 3);
  const [x0, y0, x1, y1] = box;
  const sx = (x1 - x0) / size;
  const sy = (y1 - y0) / size;
  const px = (x: number, y: number, c: number): number =>
    x < 0 || y < 0 || x >= img.width || y >= img.height ? 0 : (img.rgb[3 * (y * img.width + x) + c] ?? 0);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const fx = x0 + (x + 0.5) * sx - 0.5;
      const fy = y0 + (y + 0.5) * sy - 0.5;
      const ix = Math.floor(fx);
      const iy = Math.floor(fy);
      const ax = fx - ix;
      const ay = fy - iy;
      for (let c = 0; c < 3; c++) {
        const top = (1 - ax) * px(ix, iy, c) + ax * px(ix + 1, iy, c);
        const bottom = (1 - ax) * px(ix, iy + 1, c) + ax * px(ix + 1, iy + 1, c);
        out[3 * (y * size + x) + c] = (1 - ay) * top + ay * bottom;
      }
    }
  }
  return out;
}

/** The original tfjs graph model, loaded from disk without fetch. */
export type ReferenceGraphModel = tfc.GraphModel<tfcore.io.IOHandlerSync>;

export function loadReferenceGraphModel(jsonPath: string): ReferenceGraphModel {
  const json = JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as tfcore.io.ModelJSON;
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(path.dirname(jsonPath), p))));
  const all = Buffer.concat(shards);
  return tfc.loadGraphModelSync([json, all.buffer.slice(all.byteOffset, all.byteOffset + all.length) as ArrayBuffer]);
}

/** face-api's label order as face-api itself defines it (FaceExpressions), not as src/models copies it. */
export function faceApiExpressionNames(probabilities: Float32Array): Record<string, number> {
  const named = new faceapi.FaceExpressions(probabilities);
  return Object.fromEntries(named.asSortedArray().map((e) => [e.expression, e.probability]));
}
