// The One-Euro filter (Casiez, Roussel, Vogel, CHI 2012): a low-pass filter whose cutoff rises with the
// signal's speed, so a still value stops jittering while a real change comes through with little lag.
//   alpha(fc, dt) = 1 / (1 + tau / dt),  tau = 1 / (2 pi fc)
//   dx_hat = alpha(dCutoff) * (x - x_hat_prev) / dt + (1 - alpha(dCutoff)) * dx_hat_prev      (dx_hat_0 = 0)
//   fc     = minCutoff + beta * |dx_hat|
//   x_hat  = alpha(fc) * x + (1 - alpha(fc)) * x_hat_prev                                       (x_hat_0 = x_0)
// Each output is a convex mix of an input and the previous output, so values stay within the inputs' range.

export interface OneEuroParams {
  /** Hz: the cutoff for a still signal; lower is smoother and lags more. */
  minCutoff: number;
  /** Cutoff growth per unit/s of speed; higher follows fast changes sooner. */
  beta: number;
  /** Hz: the cutoff of the speed estimate. */
  dCutoff: number;
}

function alpha(cutoff: number, dt: number): number {
  const tau = 1 / (2 * Math.PI * cutoff);
  return 1 / (1 + tau / dt);
}

export class OneEuroFilter {
  readonly #params: OneEuroParams;
  #x: number | undefined;
  #dx = 0;
  #t = 0;

  constructor(params: OneEuroParams) {
    this.#params = params;
  }

  /** The filtered value of `x` sampled at `tSeconds`; a sample not later than the previous one passes through. */
  filter(x: number, tSeconds: number): number {
    const prev = this.#x;
    const dt = tSeconds - this.#t;
    this.#t = tSeconds;
    if (prev === undefined || !(dt > 0)) {
      this.#x = x;
      if (prev === undefined) this.#dx = 0;
      return x;
    }
    const { minCutoff, beta, dCutoff } = this.#params;
    const ad = alpha(dCutoff, dt);
    this.#dx = ad * ((x - prev) / dt) + (1 - ad) * this.#dx;
    const a = alpha(minCutoff + beta * Math.abs(this.#dx), dt);
    this.#x = a * x + (1 - a) * prev;
    return this.#x;
  }

  /** Forget the history: the next sample passes through. */
  reset(): void {
    this.#x = undefined;
    this.#dx = 0;
  }
}
