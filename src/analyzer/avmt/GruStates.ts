// The paper network's recurrent state, one per tracked face: live inference is causal, so the GRU runs one
// step per frame and carries h from each step to the next of the same face. A face that is lost (its id
// retired by the tracker) drops its state; a new face starts from zeros, as training sequences do.

export class GruStates {
  readonly #layers: number;
  readonly #units: number;
  readonly #states = new Map<number, Float32Array>();

  constructor(layers: number, units: number) {
    this.#layers = layers;
    this.#units = units;
  }

  get size(): number {
    return this.#states.size;
  }

  /** h0 for one batch, [layers, N, units], from the faces' states (zeros for new faces). */
  gather(faceIds: readonly number[]): Float32Array {
    const n = faceIds.length;
    const h0 = new Float32Array(this.#layers * n * this.#units);
    faceIds.forEach((id, i) => {
      const state = this.#states.get(id);
      if (!state) return;
      for (let l = 0; l < this.#layers; l++) h0.set(state.subarray(l * this.#units, (l + 1) * this.#units), (l * n + i) * this.#units);
    });
    return h0;
  }

  /** Keeps each face's slice of h1, [layers, N, units], for its next step. */
  scatter(faceIds: readonly number[], h1: Float32Array): void {
    const n = faceIds.length;
    faceIds.forEach((id, i) => {
      const state = this.#states.get(id) ?? new Float32Array(this.#layers * this.#units);
      for (let l = 0; l < this.#layers; l++) state.set(h1.subarray((l * n + i) * this.#units, (l * n + i + 1) * this.#units), l * this.#units);
      this.#states.set(id, state);
    });
  }

  forget(faceIds: Iterable<number>): void {
    for (const id of faceIds) this.#states.delete(id);
  }

  clear(): void {
    this.#states.clear();
  }
}
