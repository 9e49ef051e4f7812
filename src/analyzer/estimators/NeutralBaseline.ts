// A face's own neutral: the running median of each geometric measure over the most recent frames in which
// the expression net called the face neutral. Medians rather than means so that a few mislabelled frames
// (a half smile called neutral) do not move the baseline.
import { MEASURES, type FaceMeasures } from './faceGeometry.js';

export class NeutralBaseline {
  readonly #window: number;
  readonly #samples: FaceMeasures[] = [];
  #next = 0;
  #cache: FaceMeasures | null = null;

  /** Keeps the last `window` neutral samples. */
  constructor(window: number) {
    if (!(window >= 1)) throw new RangeError('window must be >= 1');
    this.#window = window;
  }

  get count(): number {
    return this.#samples.length;
  }

  add(m: FaceMeasures): void {
    if (this.#samples.length < this.#window) this.#samples.push(m);
    else this.#samples[this.#next] = m;
    this.#next = (this.#next + 1) % this.#window;
    this.#cache = null;
  }

  /** Per-measure median of the samples held, or null with none. */
  median(): FaceMeasures | null {
    if (this.#samples.length === 0) return null;
    if (this.#cache !== null) return this.#cache;
    const values = new Float64Array(this.#samples.length);
    const out = {} as FaceMeasures;
    for (const k of MEASURES) {
      this.#samples.forEach((s, i) => (values[i] = s[k]));
      values.sort();
      const n = values.length;
      out[k] = n % 2 === 1 ? (values[(n - 1) / 2] as number) : ((values[n / 2 - 1] as number) + (values[n / 2] as number)) / 2;
    }
    this.#cache = out;
    return out;
  }
}
