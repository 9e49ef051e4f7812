// Converts an ONNX graph to float16 for the GPU bench: every float32 initializer and constant becomes
// float16, Casts to float32 become Casts to float16, and the graph's float32 inputs and outputs stay float32
// behind a Cast at each end, so callers feed and read the same tensors as before. Tensors that ONNX requires
// to be float32 whatever the graph computes in (Resize's roi and scales) are left as they are. Enough for
// the project's own graphs (convolutions, GRU cells, elementwise ops); a graph this misses fails when its
// session is created, and the bench reports that for the model instead of a number.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const FLOAT16 = onnx.TensorProto.DataType.FLOAT16;

/** Inputs (by op type and position) that must stay float32. */
const KEEP_FLOAT32: Readonly<Record<string, readonly number[]>> = { Resize: [1, 2], Upsample: [1] };

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of `value`: rounded, overflow to infinity, tiny values to (signed) zero. */
export function toHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  let bits = (x >>> 16) & 0x8000;
  let m = (x >>> 12) & 0x07ff;
  const e = (x >>> 23) & 0xff;
  if (e < 103) return bits;
  if (e > 142) return bits | 0x7c00 | (e === 255 && (x & 0x007fffff) !== 0 ? 0x0200 : 0);
  if (e < 113) {
    m |= 0x0800;
    return bits | ((m >> (114 - e)) + ((m >> (113 - e)) & 1));
  }
  bits |= ((e - 112) << 10) | (m >> 1);
  return bits + (m & 1);
}

function floatsOf(t: onnxProto.onnx.ITensorProto): Float32Array {
  if (t.rawData && t.rawData.length > 0) {
    const raw = t.rawData;
    return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  }
  return Float32Array.from(t.floatData ?? []);
}

function toHalfTensor(t: onnxProto.onnx.ITensorProto): void {
  const values = floatsOf(t);
  const halves = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) halves[i] = toHalfBits(values[i]!);
  t.dataType = FLOAT16;
  t.floatData = [];
  t.rawData = new Uint8Array(halves.buffer);
}

export function toFloat16Graph(bytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const keep = new Set<string>();
  for (const n of nodes) for (const i of KEEP_FLOAT32[n.opType ?? ''] ?? []) if (n.input?.[i]) keep.add(n.input[i]!);

  for (const t of graph.initializer ?? []) if (t.dataType === FLOAT && !keep.has(t.name ?? '')) toHalfTensor(t);
  for (const n of nodes) {
    for (const a of n.attribute ?? []) {
      if ((n.opType === 'Constant' || n.opType === 'ConstantOfShape') && a.t && a.t.dataType === FLOAT && !(n.output ?? []).some((o) => keep.has(o))) toHalfTensor(a.t);
      if (n.opType === 'Cast' && a.name === 'to' && Number(a.i) === FLOAT) a.i = FLOAT16;
    }
  }
  // value_info would still say float32 for the intermediate tensors; onnxruntime infers them again
  graph.valueInfo = [];

  const isFloat = (v: onnxProto.onnx.IValueInfoProto) => v.type?.tensorType?.elemType === FLOAT;
  const rename = (from: string, to: string, skip?: onnxProto.onnx.INodeProto) => {
    for (const n of nodes) {
      if (n === skip) continue;
      n.input = (n.input ?? []).map((x) => (x === from ? to : x));
      n.output = (n.output ?? []).map((x) => (x === from ? to : x));
    }
  };
  const casts: onnxProto.onnx.INodeProto[] = [];
  for (const input of (graph.input ?? []).filter(isFloat)) {
    const name = input.name!;
    rename(name, `${name}__fp16`);
    casts.push({ opType: 'Cast', name: `${name}__to_fp16`, input: [name], output: [`${name}__fp16`], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT16 }] });
  }
  const tail: onnxProto.onnx.INodeProto[] = [];
  for (const output of (graph.output ?? []).filter(isFloat)) {
    const name = output.name!;
    rename(name, `${name}__fp16`);
    tail.push({ opType: 'Cast', name: `${name}__to_fp32`, input: [`${name}__fp16`], output: [name], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }] });
  }
  graph.node = [...casts, ...nodes, ...tail];
  return onnx.ModelProto.encode(model).finish();
}
