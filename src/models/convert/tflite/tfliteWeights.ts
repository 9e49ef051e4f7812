// TFLite constant buffers → the converter's WeightMap (float16 expanded to float32, as DEQUANTIZE does at
// load time in TFLite itself, so the ONNX graph computes with the same float32 values).
import { halfToFloat } from '../arrays.js';
import type { WeightMap, WeightTensor } from '../decodeWeights.js';
import { TENSOR_TYPE, type TfliteGraph, type TfliteTensor } from '../../tflite/tfliteModel.js';

/** The name a TFLite tensor has inside the conversion (tensor names in .tflite files are not unique). */
export const tensorKey = (index: number): string => `t${index}`;

function decode(t: TfliteTensor, data: Uint8Array): WeightTensor {
  // Copy first: a view into the file may be unaligned for a Float32Array.
  const bytes = Buffer.from(data);
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (t.type === TENSOR_TYPE.FLOAT32) return { shape: t.shape, dtype: 'float32', data: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) };
  if (t.type === TENSOR_TYPE.INT32) return { shape: t.shape, dtype: 'int32', data: new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) };
  if (t.type === TENSOR_TYPE.FLOAT16) {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = halfToFloat(bytes.readUInt16LE(2 * i));
    return { shape: t.shape, dtype: 'float32', data: out };
  }
  if (t.type === TENSOR_TYPE.INT64) {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = Number(bytes.readBigInt64LE(8 * i));
    return { shape: t.shape, dtype: 'int32', data: out };
  }
  throw new Error(`constant ${t.name} has TFLite type ${t.type}; only float32, float16, int32 and int64 are supported`);
}

export function tfliteWeights(graph: TfliteGraph): WeightMap {
  const weights: WeightMap = new Map();
  for (const t of graph.tensors) {
    if (t.data === undefined) continue;
    const w = decode(t, t.data);
    const expected = t.shape.reduce((a, b) => a * b, 1);
    if (w.data.length !== expected) throw new Error(`constant ${t.name} holds ${w.data.length} values, its shape [${t.shape.join(',')}] needs ${expected}`);
    weights.set(tensorKey(t.index), w);
  }
  return weights;
}
