// Log-mel features for the avmt model, exactly as models/avmt/features/logmel.py computes them for
// training: 16 kHz mono, 25 ms periodic-Hann frames every 10 ms (no centre padding), 512-point FFT power
// spectrum, 64 HTK-mel bands over 125–7500 Hz (triangles linear in mel, not area-normalised),
// ln(energy + 1e-6), layout [64, T]. Public entry point of src/analyzer/audio.

import { LogMelExtractor, type Pcm } from './LogMelExtractor.js';
import { LOG_MEL, logMelFrameCount } from './logMelRecipe.js';

export { LOG_MEL, logMelFrameCount, windowSamples } from './logMelRecipe.js';
export { LogMelExtractor, type Pcm } from './LogMelExtractor.js';
export { LogMelWindow } from './LogMelWindow.js';
export { hzToMel, melFilterbank, type MelBand } from './melFilterbank.js';
export { Radix2Fft } from './Radix2Fft.js';

export interface LogMelFeatures {
  /** [nMels, frames], band-major. */
  data: Float32Array;
  nMels: number;
  frames: number;
}

/** One-shot log-mel of a whole signal (allocates an extractor; streams should keep a LogMelWindow). */
export function logMel(samples: Pcm): LogMelFeatures {
  const frames = logMelFrameCount(samples.length);
  return { data: new LogMelExtractor().compute(samples), nMels: LOG_MEL.nMels, frames };
}
