// Geometric face measures from FaceMesh's 468 landmarks, for the 'facemesh-geometry-v1' AU estimator.
// Every measure is taken in a face frame: origin between the eye centres, x along the eye line (roll
// removed), y pointing down the face, unit = inter-ocular distance (IOD, eye centre to eye centre), so
// the numbers do not change with image size, distance to the camera or head roll. Yaw and pitch are not
// compensated (they shift vertical measures a little); the per-face neutral baseline absorbs the
// person's usual pose.
//
// Landmark indices are MediaPipe's canonical face mesh (checked on real faces in this repository's tests);
// R/L are the subject's right/left (R appears on the image's left).

export const LM = {
  rEyeOuter: 33, rEyeInner: 133, rLidUpper: 159, rLidLower: 145,
  lEyeOuter: 263, lEyeInner: 362, lLidUpper: 386, lLidLower: 374,
  // brows: upper and lower contour points at each end
  rBrowInnerUp: 107, rBrowInnerLow: 55, rBrowOuterUp: 70, rBrowOuterLow: 46,
  lBrowInnerUp: 336, lBrowInnerLow: 285, lBrowOuterUp: 300, lBrowOuterLow: 276,
  rCheek: 50, lCheek: 280,
  rMouthCorner: 61, lMouthCorner: 291, upperLipInner: 13, lowerLipInner: 14,
} as const;

export const MEASURES = ['browInner', 'browOuter', 'browGap', 'eyeOpen', 'cheek', 'cornerLift', 'mouthWidth', 'lipGap'] as const;
export type Measure = (typeof MEASURES)[number];
export type FaceMeasures = Record<Measure, number>;

/**
 * browInner   inner brow ends above the inner eye corners (mean of both sides)         AU1 up, AU4 down
 * browOuter   outer brow ends above the outer eye corners                              AU2 up
 * browGap     distance between the two inner brow ends                                 AU4 down
 * eyeOpen     lower lid minus upper lid (eye aperture)                                 AU6 down (AU5/blink too)
 * cheek       cheek points' height relative to the eye line (higher = larger)          AU6 up
 * cornerLift  mouth corners above the inner upper lip's centre                         AU12 up, AU15 down
 * mouthWidth  corner to corner                                                         AU20 up, AU12 up
 * lipGap      inner upper lip to inner lower lip                                       AU25 up
 * `points` is 468 x (x, y, z), any pixel scale. Returns null when the eyes coincide (no usable face).
 */
export function measureFace(points: Float32Array): FaceMeasures | null {
  const px = (i: number): number => points[3 * i] as number;
  const py = (i: number): number => points[3 * i + 1] as number;
  const rx = (px(LM.rEyeOuter) + px(LM.rEyeInner)) / 2;
  const ry = (py(LM.rEyeOuter) + py(LM.rEyeInner)) / 2;
  const lx = (px(LM.lEyeOuter) + px(LM.lEyeInner)) / 2;
  const ly = (py(LM.lEyeOuter) + py(LM.lEyeInner)) / 2;
  const iod = Math.hypot(lx - rx, ly - ry);
  if (!(iod > 1e-6)) return null;
  // face frame: u along the eye line (R -> L, image left -> right), v perpendicular, pointing down
  const ux = (lx - rx) / iod;
  const uy = (ly - ry) / iod;
  const ox = (rx + lx) / 2;
  const oy = (ry + ly) / 2;
  const X = (i: number): number => ((px(i) - ox) * ux + (py(i) - oy) * uy) / iod;
  const Y = (i: number): number => (-(px(i) - ox) * uy + (py(i) - oy) * ux) / iod;
  const mid = (a: number, b: number): number => (Y(a) + Y(b)) / 2;
  return {
    browInner: (Y(LM.rEyeInner) - mid(LM.rBrowInnerUp, LM.rBrowInnerLow) + Y(LM.lEyeInner) - mid(LM.lBrowInnerUp, LM.lBrowInnerLow)) / 2,
    browOuter: (Y(LM.rEyeOuter) - mid(LM.rBrowOuterUp, LM.rBrowOuterLow) + Y(LM.lEyeOuter) - mid(LM.lBrowOuterUp, LM.lBrowOuterLow)) / 2,
    browGap: (X(LM.lBrowInnerUp) + X(LM.lBrowInnerLow) - X(LM.rBrowInnerUp) - X(LM.rBrowInnerLow)) / 2,
    eyeOpen: (Y(LM.rLidLower) - Y(LM.rLidUpper) + Y(LM.lLidLower) - Y(LM.lLidUpper)) / 2,
    cheek: -(Y(LM.rCheek) + Y(LM.lCheek)) / 2,
    cornerLift: Y(LM.upperLipInner) - (Y(LM.rMouthCorner) + Y(LM.lMouthCorner)) / 2,
    mouthWidth: Math.hypot(X(LM.lMouthCorner) - X(LM.rMouthCorner), Y(LM.lMouthCorner) - Y(LM.rMouthCorner)),
    lipGap: Math.max(0, Y(LM.lowerLipInner) - Y(LM.upperLipInner)),
  };
}
