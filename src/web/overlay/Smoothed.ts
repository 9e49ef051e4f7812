// Values that glide towards their latest target at display rate: events arrive at 5-10 Hz, the screen
// refreshes at 60 Hz or more, so without this bars and dots would jump. An exponential approach (rather than
// a tween per event) never overshoots and needs no knowledge of when the next event comes.
//
// A null target (the value is unavailable) is shown as null at once: a number that is no longer true must
// not linger on screen while it fades out.

/** Time constant of the approach: about 95 % of a step is covered in 3 × TAU_MS. */
const TAU_MS = 90;

export class Smoothed {
  #shown: number | null = null;
  #target: number | null = null;

  /** `snap` shows the target at once (a restored room state must not animate up from zero). */
  set(target: number | null, snap = false): void {
    this.#target = target;
    if (target === null || this.#shown === null || snap) this.#shown = target;
  }

  /** Advances by dtMs; returns whether the shown value changed. */
  step(dtMs: number): boolean {
    if (this.#target === null || this.#shown === null || this.#shown === this.#target) return false;
    const k = 1 - Math.exp(-Math.max(0, dtMs) / TAU_MS);
    const next = this.#shown + (this.#target - this.#shown) * k;
    this.#shown = Math.abs(next - this.#target) < 1e-4 ? this.#target : next;
    return true;
  }

  get shown(): number | null {
    return this.#shown;
  }

  get target(): number | null {
    return this.#target;
  }
}
