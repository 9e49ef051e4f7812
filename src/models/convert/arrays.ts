// Small numeric helpers for weight tensors held as flat typed arrays (row-major, like tfjs and ONNX).

export type NumericArray = Float32Array | Int32Array | Uint8Array;

export function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** IEEE 754 half → float, for tfjs weights quantised to float16 (FaceMesh ships them). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h & 0x7c00) >> 10;
  const fraction = h & 0x03ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/**
 * N-d transpose of a flat array: out[i0..in] = data[i_perm]. Used once per weight at conversion time, so
 * clarity beats speed here.
 */
export function transposeArray<T extends NumericArray>(
  data: T,
  shape: readonly number[],
  perm: readonly number[],
): { data: T; shape: number[] } {
  const rank = shape.length;
  if (perm.length !== rank) throw new Error(`transpose: perm [${perm.join()}] does not fit shape [${shape.join()}]`);
  const outShape = perm.map((p) => dimAt(shape, p));
  const inStrides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = dimAt(inStrides, i + 1) * dimAt(shape, i + 1);
  // Strides of the input, reordered to the output's axes: stepping output axis k moves by permStrides[k].
  const permStrides = perm.map((p) => dimAt(inStrides, p));
  const out = data.slice() as T;
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < data.length; o++) {
    let src = 0;
    for (let k = 0; k < rank; k++) src += dimAt(index, k) * dimAt(permStrides, k);
    out[o] = data[src] ?? 0;
    for (let k = rank - 1; k >= 0; k--) {
      const next = dimAt(index, k) + 1;
      if (next < dimAt(outShape, k)) {
        index[k] = next;
        break;
      }
      index[k] = 0;
    }
  }
  return { data: out, shape: outShape };
}

/** Indexing that fails loudly instead of yielding undefined (noUncheckedIndexedAccess). */
export function dimAt(values: readonly number[], i: number): number {
  const v = values[i];
  if (v === undefined) throw new Error(`index ${i} out of range (length ${values.length})`);
  return v;
}
