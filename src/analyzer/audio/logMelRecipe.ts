// The log-mel recipe the avmt network was trained with. It is defined in models/avmt/features/logmel.py
// and written into the model manifest (preprocessing.audio.logMel); these constants must stay equal to it
// (test/unit/avmt/logMel.test.ts compares the features with Python's on the same samples).

export const LOG_MEL = Object.freeze({
  sampleRate: 16_000,
  /** 25 ms frames. */
  winLength: 400,
  /** 10 ms hop. */
  hopLength: 160,
  /** Frames are zero-padded to the next power of two for the radix-2 FFT. */
  nFft: 512,
  nMels: 64,
  fMinHz: 125,
  fMaxHz: 7500,
  /** ln(mel + logOffset): keeps silence finite (ln 1e-6 ≈ -13.8). */
  logOffset: 1e-6,
});

/** Frames in n samples: 25 ms frames every 10 ms from sample 0, no centre padding. */
export function logMelFrameCount(numSamples: number): number {
  return numSamples < LOG_MEL.winLength ? 0 : 1 + Math.floor((numSamples - LOG_MEL.winLength) / LOG_MEL.hopLength);
}

/** Samples in a window of `windowMs` at 16 kHz (1000 ms → 16000 samples → 98 frames). */
export function windowSamples(windowMs: number): number {
  return Math.floor((windowMs * LOG_MEL.sampleRate) / 1000);
}
