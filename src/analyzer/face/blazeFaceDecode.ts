// BlazeFace (MediaPipe short-range "back" model as shipped by @vladmandic/human) output decoding:
// SSD-style anchors, box + 6 keypoints relative to the anchor, weighted non-maximum suppression.
import type { Affine, Box, Point } from '../image/geometry.js';
import { applyAffine, iou } from '../image/geometry.js';
import type { FaceDetection } from './FaceDetection.js';

export const BLAZEFACE_VALUES_PER_ANCHOR = 16; // cx, cy, w, h, then 6 x (x, y)
export const BLAZEFACE_KEYPOINT_COUNT = 6;

/**
 * Anchor centres in input pixels, in the order the model's rows come (human's generateAnchors, MediaPipe's
 * SsdAnchorsCalculator with fixed anchor size): stride size/16 with 2 anchors per cell, then stride size/8
 * with 6 per cell; cells iterate y, then x. 256 -> 16x16x2 + 8x8x6 = 896 anchors.
 */
export function blazeFaceAnchors(inputSize: number): Float32Array {
  const layers: Array<[stride: number, perCell: number]> = [
    [inputSize / 16, 2],
    [inputSize / 8, 6],
  ];
  const out: number[] = [];
  for (const [stride, perCell] of layers) {
    const grid = Math.ceil(inputSize / stride);
    for (let y = 0; y < grid; y++) {
      for (let x = 0; x < grid; x++) {
        for (let k = 0; k < perCell; k++) out.push(stride * (x + 0.5), stride * (y + 0.5));
      }
    }
  }
  return Float32Array.from(out);
}

export interface DecodeOptions {
  /** Keep anchors whose sigmoid(score) is at least this. */
  minScore: number;
  /** Input pixels -> frame pixels (undoes the letterbox and the resize). */
  toFrame: Affine;
}

/** Candidates above the threshold, in frame pixels, unsorted. `scores` are logits, one per anchor. */
export function decodeBlazeFace(
  scores: Float32Array,
  regressors: Float32Array,
  anchors: Float32Array,
  options: DecodeOptions,
): FaceDetection[] {
  const count = anchors.length / 2;
  if (scores.length !== count || regressors.length !== count * BLAZEFACE_VALUES_PER_ANCHOR) {
    throw new RangeError(`BlazeFace outputs do not match ${count} anchors`);
  }
  // sigmoid(x) >= t  <=>  x >= logit(t): test logits and skip exp() for the ~890 rejected anchors
  const t = Math.min(Math.max(options.minScore, 1e-6), 1 - 1e-6);
  const minLogit = Math.log(t / (1 - t));
  const m = options.toFrame;
  const out: FaceDetection[] = [];
  for (let i = 0; i < count; i++) {
    const logit = scores[i] as number;
    if (!(logit >= minLogit)) continue;
    const ax = anchors[2 * i] as number;
    const ay = anchors[2 * i + 1] as number;
    const r = i * BLAZEFACE_VALUES_PER_ANCHOR;
    const cx = (regressors[r] as number) + ax;
    const cy = (regressors[r + 1] as number) + ay;
    const w = regressors[r + 2] as number;
    const h = regressors[r + 3] as number;
    const p0 = applyAffine(m, { x: cx - w / 2, y: cy - h / 2 });
    const p1 = applyAffine(m, { x: cx + w / 2, y: cy + h / 2 });
    const keypoints: Point[] = [];
    for (let k = 0; k < BLAZEFACE_KEYPOINT_COUNT; k++) {
      keypoints.push(applyAffine(m, { x: (regressors[r + 4 + 2 * k] as number) + ax, y: (regressors[r + 5 + 2 * k] as number) + ay }));
    }
    const score = 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, logit))));
    out.push({ box: { x: p0.x, y: p0.y, width: p1.x - p0.x, height: p1.y - p0.y }, keypoints, score });
  }
  return out;
}

/**
 * Weighted NMS, as MediaPipe's face detection graph configures it (NonMaxSuppressionCalculator,
 * algorithm WEIGHTED, min_suppression_threshold 0.3): each cluster of candidates overlapping the best one
 * by more than `iouThreshold` is replaced by their score-weighted mean box and keypoints, with the best
 * score. Chosen over greedy NMS because BlazeFace fires on several neighbouring anchors per face and
 * averaging them removes most of the frame-to-frame box jitter at no latency, which the tracker and every
 * crop downstream benefit from; greedy NMS would pick one anchor's box and jump between anchors.
 */
export function weightedNms(candidates: readonly FaceDetection[], iouThreshold: number, maxResults: number): FaceDetection[] {
  const remaining = [...candidates].sort((a, b) => b.score - a.score);
  const out: FaceDetection[] = [];
  while (remaining.length > 0 && out.length < maxResults) {
    const best = remaining[0] as FaceDetection;
    const cluster: FaceDetection[] = [];
    const rest: FaceDetection[] = [];
    for (const c of remaining) (iou(best.box, c.box) > iouThreshold || c === best ? cluster : rest).push(c);
    remaining.splice(0, remaining.length, ...rest);
    out.push(cluster.length === 1 ? best : mergeCluster(cluster, best.score));
  }
  return out;
}

function mergeCluster(cluster: readonly FaceDetection[], score: number): FaceDetection {
  let wsum = 0;
  let x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  const kps = Array.from({ length: BLAZEFACE_KEYPOINT_COUNT }, () => ({ x: 0, y: 0 }));
  for (const c of cluster) {
    const w = c.score;
    wsum += w;
    x0 += w * c.box.x;
    y0 += w * c.box.y;
    x1 += w * (c.box.x + c.box.width);
    y1 += w * (c.box.y + c.box.height);
    c.keypoints.forEach((p, k) => {
      const acc = kps[k] as Point;
      acc.x += w * p.x;
      acc.y += w * p.y;
    });
  }
  const box: Box = { x: x0 / wsum, y: y0 / wsum, width: (x1 - x0) / wsum, height: (y1 - y0) / wsum };
  return { box, keypoints: kps.map((p) => ({ x: p.x / wsum, y: p.y / wsum })), score };
}
