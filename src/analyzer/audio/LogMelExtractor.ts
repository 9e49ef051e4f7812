// Log-mel spectrogram of a 16 kHz mono signal with preallocated buffers (one extractor per audio stream;
// not re-entrant). Output layout [nMels, T], band-major, which is the model's audio input [N, 1, 64, T].

import { Radix2Fft } from './Radix2Fft.js';
import { LOG_MEL, logMelFrameCount } from './logMelRecipe.js';
import { melFilterbank, type MelBand } from './melFilterbank.js';

/** 16-bit PCM (scaled by 1/32768) or float PCM already in [-1, 1]. */
export type Pcm = Int16Array | Float32Array;

export class LogMelExtractor {
  private readonly fft = new Radix2Fft(LOG_MEL.nFft);
  private readonly bands: MelBand[] = melFilterbank();
  private readonly window = new Float64Array(LOG_MEL.winLength);
  private readonly re = new Float64Array(LOG_MEL.nFft);
  private readonly im = new Float64Array(LOG_MEL.nFft);
  private readonly power = new Float64Array(LOG_MEL.nFft / 2 + 1);

  constructor() {
    for (let k = 0; k < LOG_MEL.winLength; k++) this.window[k] = 0.5 - 0.5 * Math.cos((2 * Math.PI * k) / LOG_MEL.winLength);
  }

  /**
   * Log-mel of samples[offset, offset + length): T = logMelFrameCount(length) frames into `out`
   * (allocated if not given; must hold nMels·T floats), as out[m·T + t].
   */
  compute(samples: Pcm, out?: Float32Array, offset = 0, length = samples.length - offset): Float32Array {
    const frames = logMelFrameCount(length);
    const result = out ?? new Float32Array(LOG_MEL.nMels * frames);
    if (result.length < LOG_MEL.nMels * frames) throw new RangeError(`out holds ${result.length} < ${LOG_MEL.nMels * frames}`);
    const scale = samples instanceof Int16Array ? 1 / 32768 : 1;
    for (let t = 0; t < frames; t++) {
      const base = offset + t * LOG_MEL.hopLength;
      for (let k = 0; k < LOG_MEL.winLength; k++) this.re[k] = samples[base + k]! * scale * this.window[k]!;
      this.re.fill(0, LOG_MEL.winLength);
      this.im.fill(0);
      this.fft.transform(this.re, this.im);
      for (let k = 0; k < this.power.length; k++) this.power[k] = this.re[k]! * this.re[k]! + this.im[k]! * this.im[k]!;
      for (let m = 0; m < this.bands.length; m++) {
        const { start, weights } = this.bands[m]!;
        let energy = 0;
        for (let j = 0; j < weights.length; j++) energy += weights[j]! * this.power[start + j]!;
        result[m * frames + t] = Math.log(energy + LOG_MEL.logOffset);
      }
    }
    return result;
  }
}
