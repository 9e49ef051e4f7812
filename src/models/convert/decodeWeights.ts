// tfjs weight shards → typed arrays. Quantised weights are expanded to float32 exactly as tfjs' own
// io.decodeWeights does (value * scale + min, computed in double, stored as float32), so the converted
// model sees bit-identical constants and the equivalence tests can use a tight tolerance.
import { halfToFloat, product, type NumericArray } from './arrays.js';
import type { WeightGroup, WeightSpec } from './tfjsModel.js';

export interface WeightTensor {
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  data: NumericArray;
}

export type WeightMap = Map<string, WeightTensor>;

const QUANTISED_BYTES = { uint8: 1, uint16: 2, float16: 2 } as const;

function storedBytes(spec: WeightSpec, n: number): number {
  if (spec.quantization) return n * QUANTISED_BYTES[spec.quantization.dtype];
  return spec.dtype === 'bool' ? n : 4 * n;
}

function decodeOne(spec: WeightSpec, buf: Buffer, offset: number, n: number): NumericArray {
  const q = spec.quantization;
  if (q) {
    const floats = new Float32Array(n);
    const scale = q.scale ?? 1;
    const min = q.min ?? 0;
    for (let i = 0; i < n; i++) {
      if (q.dtype === 'float16') floats[i] = halfToFloat(buf.readUInt16LE(offset + 2 * i));
      else if (q.dtype === 'uint8') floats[i] = buf.readUInt8(offset + i) * scale + min;
      else floats[i] = buf.readUInt16LE(offset + 2 * i) * scale + min;
    }
    return spec.dtype === 'int32' ? Int32Array.from(floats, Math.round) : floats;
  }
  if (spec.dtype === 'bool') return Uint8Array.from(buf.subarray(offset, offset + n));
  // Copy: the shard buffer may be unaligned for a 4-byte view.
  const slice = buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + offset + 4 * n);
  return spec.dtype === 'int32' ? new Int32Array(slice) : new Float32Array(slice);
}

/** buffers[i] is the concatenation of groups[i].paths, in order. */
export function decodeWeights(groups: readonly WeightGroup[], buffers: readonly Buffer[]): WeightMap {
  const out: WeightMap = new Map();
  groups.forEach((group, g) => {
    const buf = buffers[g];
    if (!buf) throw new Error(`weight group ${g} (${group.paths.join(', ')}) has no data`);
    let offset = 0;
    for (const spec of group.weights) {
      const n = product(spec.shape);
      const bytes = storedBytes(spec, n);
      if (offset + bytes > buf.length) {
        throw new Error(`weight ${spec.name} runs past the end of its shard (${offset + bytes} > ${buf.length} bytes)`);
      }
      out.set(spec.name, { shape: spec.shape, dtype: spec.dtype, data: decodeOne(spec, buf, offset, n) });
      offset += bytes;
    }
  });
  return out;
}
