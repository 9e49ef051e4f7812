// Accumulates ONNX nodes, initialisers and graph inputs/outputs, and encodes the ModelProto. The output
// is deterministic (no timestamps, names from a counter), so converting the same weights twice gives the
// same bytes and the same sha256 — which is what lets `models build` skip work and tests compare hashes.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Opset 13: Squeeze/ReduceSum take axes as inputs, Softmax is single-axis; ORT 1.x supports it fully. */
export const OPSET = 13;
const IR_VERSION = 7;

/** Attribute values carry their ONNX type explicitly: a float attribute whose value is 1 must not become INT. */
export type OnnxAttribute =
  | { int: number }
  | { ints: readonly number[] }
  | { float: number }
  | { string: string };

export type InitializerType = 'float32' | 'int32' | 'int64';

/** A dimension of a graph input or output: a size, or a symbolic name such as 'N'. */
export type OnnxDim = number | string;

const ELEM_TYPE: Record<InitializerType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
};

function rawBytes(values: ArrayLike<number>, type: InitializerType): Uint8Array {
  const n = values.length;
  if (type === 'int64') {
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) out[i] = BigInt(Math.trunc(values[i] ?? 0));
    return new Uint8Array(out.buffer);
  }
  // ONNX raw_data is little-endian, as are the typed arrays on every platform Node supports.
  const typed = type === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
  return new Uint8Array(typed.buffer);
}

function attributeProto(name: string, value: OnnxAttribute): onnxProto.onnx.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if ('int' in value) return { name, type: AttributeType.INT, i: value.int };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: [...value.ints] };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value.string) };
}

function valueInfo(name: string, dims: readonly OnnxDim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export class OnnxGraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly usedNames = new Set<string>();
  private counter = 0;

  /** A new unique tensor/node name derived from a readable base (tf node names keep the graph debuggable). */
  fresh(base: string): string {
    const name = `${base.replace(/[^A-Za-z0-9_/.:-]/g, '_')}__${this.counter++}`;
    this.usedNames.add(name);
    return name;
  }

  initializer(base: string, values: ArrayLike<number>, dims: readonly number[], type: InitializerType = 'float32'): string {
    const name = this.fresh(base);
    this.initializers.push({ name, dims: [...dims], dataType: ELEM_TYPE[type], rawData: rawBytes(values, type) });
    return name;
  }

  /** Appends one node with a single output and returns that output's name. */
  node(op: string, inputs: readonly string[], attributes: Record<string, OnnxAttribute> = {}, base: string = op): string {
    const output = this.fresh(base);
    this.nodes.push({
      opType: op,
      input: [...inputs],
      output: [output],
      name: this.fresh(`n_${base}`),
      attribute: Object.entries(attributes).map(([k, v]) => attributeProto(k, v)),
    });
    return output;
  }

  /** Declares a float32 graph input under exactly this name (it is public API: the manifest names it). */
  input(name: string, dims: readonly OnnxDim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, dims));
    return name;
  }

  /** Exposes `tensor` as a graph output named exactly `name` (through an Identity, which ORT elides). */
  output(name: string, tensor: string, dims: readonly OnnxDim[]): void {
    this.claim(name);
    this.nodes.push({ opType: 'Identity', input: [tensor], output: [name], name: this.fresh(`out_${name}`) });
    this.outputs.push(valueInfo(name, dims));
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  encode(meta: { graphName: string; producer: string; producerVersion: string; metadata: Record<string, string> }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: meta.producer,
      producerVersion: meta.producerVersion,
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name: meta.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
      metadataProps: Object.entries(meta.metadata).map(([key, value]) => ({ key, value })),
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private claim(name: string): void {
    if (this.usedNames.has(name)) throw new Error(`ONNX graph name '${name}' is used twice`);
    this.usedNames.add(name);
  }
}
