// Per-IP count of refused tokens in a fixed one-minute window. An address over the limit is refused
// everything (RATE_LIMITED) until its window ends: guessing or replaying tokens gets slow. Bounded: windows
// that have ended are dropped, and at most `maxAddresses` addresses are tracked (the oldest go first).
export class FailureLimiter {
  /** Called on every refused token (for metrics; set by the composition root). */
  onFail: (() => void) | undefined;
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #maxAddresses: number;
  readonly #windows = new Map<string, { start: number; failures: number }>();

  constructor(limit: number, windowMs = 60_000, maxAddresses = 10_000) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#maxAddresses = maxAddresses;
  }

  blocked(address: string, now: number = Date.now()): boolean {
    const window = this.#windows.get(address);
    if (!window) return false;
    if (now - window.start >= this.#windowMs) {
      this.#windows.delete(address);
      return false;
    }
    return window.failures >= this.#limit;
  }

  fail(address: string, now: number = Date.now()): void {
    this.onFail?.();
    const window = this.#windows.get(address);
    if (window && now - window.start < this.#windowMs) {
      window.failures++;
      return;
    }
    this.#windows.delete(address);
    if (this.#windows.size >= this.#maxAddresses) {
      const oldest = this.#windows.keys().next();
      if (!oldest.done) this.#windows.delete(oldest.value);
    }
    this.#windows.set(address, { start: now, failures: 1 });
  }
}
