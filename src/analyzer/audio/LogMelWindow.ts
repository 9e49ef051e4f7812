// Causal log-mel of the trailing audio window: keeps only the last `windowMs` of a stream and yields
// [nMels, T] for it on demand. This is what the avmt model was trained on for each video frame (the window
// that ends at the frame's timestamp); before the window has filled, the missing past is silence (zeros),
// exactly as the training data is padded at the start of a video.

import { LogMelExtractor, type Pcm } from './LogMelExtractor.js';
import { LOG_MEL, logMelFrameCount, windowSamples } from './logMelRecipe.js';

export class LogMelWindow {
  readonly windowMs: number;
  readonly windowSamples: number;
  /** T of every read(): 98 for 1000 ms. */
  readonly frames: number;
  private readonly ring: Float32Array;
  private readonly linear: Float32Array;
  private readonly extractor = new LogMelExtractor();
  private written = 0;

  constructor(windowMs = 1000) {
    this.windowMs = windowMs;
    this.windowSamples = windowSamples(windowMs);
    this.frames = logMelFrameCount(this.windowSamples);
    if (this.frames < 1) throw new RangeError(`window of ${windowMs} ms is shorter than one 25 ms frame`);
    this.ring = new Float32Array(this.windowSamples);
    this.linear = new Float32Array(this.windowSamples);
  }

  /** Samples pushed since construction or reset(). */
  get samplesSeen(): number {
    return this.written;
  }

  /** Append PCM (Int16 is scaled by 1/32768, exactly representable in float32). */
  push(samples: Pcm): void {
    const scale = samples instanceof Int16Array ? 1 / 32768 : 1;
    const n = this.windowSamples;
    const from = Math.max(0, samples.length - n); // older samples would be overwritten anyway
    for (let i = from; i < samples.length; i++) this.ring[(this.written + i) % n] = samples[i]! * scale;
    this.written += samples.length;
  }

  /** [nMels, T] (band-major) log-mel of the latest window; `out` must hold nMels·frames floats. */
  read(out?: Float32Array): Float32Array {
    const n = this.windowSamples;
    const have = Math.min(this.written, n);
    this.linear.fill(0, 0, n - have);
    const head = this.written % n; // oldest sample of the ring once it has filled
    for (let i = 0; i < have; i++) this.linear[n - have + i] = this.ring[(head - have + i + n) % n]!;
    return this.extractor.compute(this.linear, out ?? new Float32Array(LOG_MEL.nMels * this.frames));
  }

  /** Forget the stream (e.g. the producer changed): the next read() is silence until pushes arrive. */
  reset(): void {
    this.written = 0;
    this.ring.fill(0);
  }
}
