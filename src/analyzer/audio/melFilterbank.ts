// HTK mel filterbank, as defined in models/avmt/features/logmel.py: 64 triangles whose 66 edges are evenly
// spaced in mel between 125 and 7500 Hz, mel(f) = 2595·log10(1 + f/700), each triangle linear *in mel*
// (evaluated at the mel of every FFT bin's frequency), no area normalisation.

import { LOG_MEL } from './logMelRecipe.js';

export function hzToMel(hz: number): number {
  return 2595 * Math.log10(1 + hz / 700);
}

/** One band's non-zero weights: FFT bins start .. start + weights.length - 1. */
export interface MelBand {
  start: number;
  weights: Float64Array;
}

/** The bands over bins 0..nFft/2, stored sparsely (each touches a few bins of 257). */
export function melFilterbank(): MelBand[] {
  const { nMels, nFft, sampleRate, fMinHz, fMaxHz } = LOG_MEL;
  const lo = hzToMel(fMinHz);
  const hi = hzToMel(fMaxHz);
  const edges = Array.from({ length: nMels + 2 }, (_, i) => lo + (i * (hi - lo)) / (nMels + 1));
  const binMel = Array.from({ length: nFft / 2 + 1 }, (_, k) => hzToMel((k * sampleRate) / nFft));
  const bands: MelBand[] = [];
  for (let m = 0; m < nMels; m++) {
    const [a, c, b] = [edges[m]!, edges[m + 1]!, edges[m + 2]!];
    const dense = binMel.map((x) => Math.max(0, Math.min((x - a) / (c - a), (b - x) / (b - c))));
    const first = dense.findIndex((w) => w > 0);
    const last = dense.length - 1 - [...dense].reverse().findIndex((w) => w > 0);
    bands.push({ start: first, weights: Float64Array.from(dense.slice(first, last + 1)) });
  }
  return bands;
}
