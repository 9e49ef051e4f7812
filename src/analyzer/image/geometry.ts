// Plane geometry shared by every crop: boxes and 2-D affine maps, all in *continuous* pixel coordinates,
// where pixel (i, j) covers [i, i+1) x [j, j+1) and its centre is (i + 0.5, j + 0.5). Keeping one
// convention everywhere is what lets a detector box, a crop and a landmark map onto each other exactly.

export interface Point {
  x: number;
  y: number;
}

/** Axis-aligned box: left, top, width, height. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * (u, v) -> (a*u + b*v + c, d*u + e*v + f). Crops use it as "output pixel -> source pixel", so the same
 * map also carries points found in a crop (landmarks) back into the frame.
 */
export type Affine = readonly [a: number, b: number, c: number, d: number, e: number, f: number];

export const IDENTITY: Affine = [1, 0, 0, 0, 1, 0];

export function applyAffine(m: Affine, p: Point): Point {
  return { x: m[0] * p.x + m[1] * p.y + m[2], y: m[3] * p.x + m[4] * p.y + m[5] };
}

/** compose(outer, inner)(p) = outer(inner(p)). */
export function compose(outer: Affine, inner: Affine): Affine {
  const [a, b, c, d, e, f] = outer;
  const [A, B, C, D, E, F] = inner;
  return [a * A + b * D, a * B + b * E, a * C + b * F + c, d * A + e * D, d * B + e * E, d * C + e * F + f];
}

export function invert(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (Math.abs(det) < 1e-12) throw new RangeError('affine map is singular');
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

/**
 * Map from an outW x outH crop onto the square of side `side` centred at `centre`, rotated by `angle`
 * radians (the crop's x axis points along (cos, sin) in the frame). angle 0 is a plain crop+resize.
 */
export function squareCropAffine(centre: Point, side: number, angle: number, outW: number, outH: number): Affine {
  const sx = side / outW;
  const sy = side / outH;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // crop point (u, v) -> offset from the crop centre, scaled, rotated, then moved to the frame centre
  const a = cos * sx;
  const b = -sin * sy;
  const d = sin * sx;
  const e = cos * sy;
  const c = centre.x - (a * outW) / 2 - (b * outH) / 2;
  const f = centre.y - (d * outW) / 2 - (e * outH) / 2;
  return [a, b, c, d, e, f];
}

/** Map from an outW x outH crop onto `box` (axis-aligned, no rotation). */
export function boxCropAffine(box: Box, outW: number, outH: number): Affine {
  return [box.width / outW, 0, box.x, 0, box.height / outH, box.y];
}

/**
 * Least-squares similarity (scale, rotation, translation; no reflection) taking `from[i]` onto `to[i]`
 * (Umeyama 1991, 2-D closed form). For face alignment call it with from = template points in the crop,
 * to = detected keypoints in the frame: the result is directly the crop -> frame map a warp needs.
 */
export function similarityFromPoints(from: readonly Point[], to: readonly Point[]): Affine {
  const n = from.length;
  if (n < 2 || to.length !== n) throw new RangeError('need at least two point pairs of equal count');
  let fx = 0, fy = 0, tx = 0, ty = 0;
  for (let i = 0; i < n; i++) {
    const p = from[i] as Point;
    const q = to[i] as Point;
    fx += p.x; fy += p.y; tx += q.x; ty += q.y;
  }
  fx /= n; fy /= n; tx /= n; ty /= n;
  let dot = 0, cross = 0, norm = 0;
  for (let i = 0; i < n; i++) {
    const p = from[i] as Point;
    const q = to[i] as Point;
    const px = p.x - fx, py = p.y - fy, qx = q.x - tx, qy = q.y - ty;
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
    norm += px * px + py * py;
  }
  if (norm < 1e-12) throw new RangeError('template points coincide');
  const a = dot / norm; // s*cos
  const b = cross / norm; // s*sin
  return [a, -b, tx - (a * fx - b * fy), b, a, ty - (b * fx + a * fy)];
}

export function boxCentre(b: Box): Point {
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** Square box with side max(w, h) * scale around the same centre. */
export function squareAround(b: Box, scale = 1): Box {
  const side = Math.max(b.width, b.height) * scale;
  const c = boxCentre(b);
  return { x: c.x - side / 2, y: c.y - side / 2, width: side, height: side };
}

export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** Box clipped to [0, width] x [0, height] and divided by the frame size: every value in 0..1. */
export function normaliseBox(b: Box, width: number, height: number): [number, number, number, number] {
  const x0 = clamp01(b.x / width);
  const y0 = clamp01(b.y / height);
  const x1 = clamp01((b.x + b.width) / width);
  const y1 = clamp01((b.y + b.height) / height);
  return [x0, y0, x1 - x0, y1 - y0];
}

export function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
