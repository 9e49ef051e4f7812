// The GPU bench's float16 conversion: binary16 bits as IEEE 754 defines them, and a converted network that
// keeps float32 inputs and outputs, holds no float32 weights, and gives what the float32 graph gives to
// within float16's precision (onnxruntime runs it on the CPU too, slowly: enough to check it here).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { toFloat16Graph, toHalfBits } from '../../../src/bench/gpu/float16Graph.js';
import { requireModels } from '../vision/support.js';

const { onnx } = onnxProto;

test('binary16 bits of known values', { timeout: 10_000 }, () => {
  const table: Array<[number, number]> = [
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [0.1, 0x2e66],
    [65504, 0x7bff], // the largest finite half
    [1e6, 0x7c00], // overflows to infinity
    [2 ** -24, 0x0001], // the smallest subnormal
    [-0, 0x8000],
    [Number.NaN, 0x7e00],
  ];
  for (const [value, bits] of table) assert.equal(toHalfBits(value), bits, `${value}`);
});

test('a converted network keeps its float32 interface and its answers', { timeout: 120_000 }, async () => {
  const file = path.join(requireModels('faceapi-expression'), 'faceapi-expression.onnx');
  const bytes = new Uint8Array(fs.readFileSync(file));
  const half = toFloat16Graph(bytes);
  const graph = onnx.ModelProto.decode(half).graph!;
  assert.equal(graph.initializer!.filter((t) => t.dataType === onnx.TensorProto.DataType.FLOAT).length, 0, 'no float32 weights left');
  assert.ok(graph.initializer!.some((t) => t.dataType === onnx.TensorProto.DataType.FLOAT16));

  const [full, converted] = await Promise.all([ort.InferenceSession.create(bytes), ort.InferenceSession.create(half)]);
  try {
    const data = new Float32Array(2 * 112 * 112 * 3);
    for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) >>> 0) / 2 ** 32;
    const feeds = { image: new ort.Tensor('float32', data, [2, 112, 112, 3]) };
    const [a, b] = await Promise.all([full.run(feeds), converted.run(feeds)]);
    const expected = a['expressions']!;
    const actual = b['expressions']!;
    assert.equal(actual.type, 'float32');
    assert.deepEqual(actual.dims, expected.dims);
    // softmax probabilities: float16 keeps about three significant digits
    for (let i = 0; i < expected.data.length; i++) assert.ok(Math.abs((actual.data[i] as number) - (expected.data[i] as number)) < 0.01, `expressions[${i}]`);
  } finally {
    await Promise.all([full.release(), converted.release()]);
  }
});
