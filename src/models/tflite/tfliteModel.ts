// A TFLite model file read into plain objects. The format is a FlatBuffer whose schema is TensorFlow's
// tensorflow/lite/schema/schema.fbs; the accessors below follow its field order (a table's field k sits at
// vtable slot 4 + 2k). Only what a converter needs is read: the first subgraph's tensors, operators and
// buffers, and each operator's builtin options table (decoded per operator in tfliteOptions.ts).
import { ByteBuffer } from 'flatbuffers';

/** schema.fbs TensorType */
export const TENSOR_TYPE = { FLOAT32: 0, FLOAT16: 1, INT32: 2, UINT8: 3, INT64: 4 } as const;

export interface TfliteTensor {
  index: number;
  name: string;
  shape: number[];
  type: number;
  /** Constant bytes (a view into the file), or undefined for an activation or graph input. */
  data: Uint8Array | undefined;
}

export interface TfliteOperator {
  /** schema.fbs BuiltinOperator code, e.g. 3 = CONV_2D. */
  builtin: number;
  inputs: number[];
  outputs: number[];
  /** The builtin options table, read lazily by the op's converter (undefined when the op has none). */
  options: Table | undefined;
}

export interface TfliteGraph {
  version: number;
  tensors: TfliteTensor[];
  operators: TfliteOperator[];
  inputs: number[];
  outputs: number[];
}

/** A FlatBuffer table with typed, defaulted field reads by field index. */
export class Table {
  constructor(
    private readonly bb: ByteBuffer,
    readonly pos: number,
  ) {}

  private offset(field: number): number {
    return this.bb.__offset(this.pos, 4 + 2 * field);
  }

  int8(field: number, fallback = 0): number {
    const o = this.offset(field);
    return o ? this.bb.readInt8(this.pos + o) : fallback;
  }

  uint8(field: number, fallback = 0): number {
    const o = this.offset(field);
    return o ? this.bb.readUint8(this.pos + o) : fallback;
  }

  int32(field: number, fallback = 0): number {
    const o = this.offset(field);
    return o ? this.bb.readInt32(this.pos + o) : fallback;
  }

  uint32(field: number, fallback = 0): number {
    const o = this.offset(field);
    return o ? this.bb.readUint32(this.pos + o) : fallback;
  }

  uint64(field: number, fallback = 0): number {
    const o = this.offset(field);
    return o ? Number(this.bb.readUint64(this.pos + o)) : fallback;
  }

  bool(field: number, fallback = false): boolean {
    const o = this.offset(field);
    return o ? this.bb.readInt8(this.pos + o) !== 0 : fallback;
  }

  string(field: number): string | undefined {
    const o = this.offset(field);
    return o ? (this.bb.__string(this.pos + o) as string) : undefined;
  }

  table(field: number): Table | undefined {
    const o = this.offset(field);
    return o ? new Table(this.bb, this.bb.__indirect(this.pos + o)) : undefined;
  }

  tables(field: number): Table[] {
    const o = this.offset(field);
    if (!o) return [];
    const start = this.bb.__vector(this.pos + o);
    const n = this.bb.__vector_len(this.pos + o);
    return Array.from({ length: n }, (_, i) => new Table(this.bb, this.bb.__indirect(start + 4 * i)));
  }

  int32s(field: number): number[] {
    const o = this.offset(field);
    if (!o) return [];
    const start = this.bb.__vector(this.pos + o);
    const n = this.bb.__vector_len(this.pos + o);
    return Array.from({ length: n }, (_, i) => this.bb.readInt32(start + 4 * i));
  }

  bytes(field: number): Uint8Array | undefined {
    const o = this.offset(field);
    if (!o) return undefined;
    const start = this.bb.__vector(this.pos + o);
    return this.bb.bytes().subarray(start, start + this.bb.__vector_len(this.pos + o));
  }
}

const MODEL_IDENTIFIER = 'TFL3';

/** Model: version 0, operator_codes 1, subgraphs 2, description 3, buffers 4. */
export function readTflite(file: Uint8Array): TfliteGraph {
  if (file.length < 8) throw new Error('not a TFLite model: too short');
  const bb = new ByteBuffer(file);
  if (!bb.__has_identifier(MODEL_IDENTIFIER)) throw new Error(`not a TFLite model: file identifier is not ${MODEL_IDENTIFIER}`);
  const model = new Table(bb, bb.readInt32(bb.position()) + bb.position());
  // OperatorCode: deprecated_builtin_code 0 (int8), custom_code 1, version 2, builtin_code 3 (int32).
  // Writers since TF 2.4 fill both codes; the larger one is right for old and new files alike.
  const opcodes = model.tables(1).map((c) => {
    if (c.string(1) !== undefined) throw new Error(`custom operator ${c.string(1) ?? ''} is not supported`);
    return Math.max(c.int8(0), c.int32(3));
  });
  // Buffer: data 0, offset 1, size 2 (offset/size are used by files over 2 GB, which these are not).
  const buffers = model.tables(4).map((b) => {
    if (b.uint64(1) !== 0) throw new Error('TFLite buffers stored outside the flatbuffer are not supported');
    return b.bytes(0);
  });
  const subgraphs = model.tables(2);
  const main = subgraphs[0];
  if (!main) throw new Error('TFLite model has no subgraph');
  if (subgraphs.length > 1) throw new Error('TFLite models with several subgraphs are not supported');
  // Tensor: shape 0, type 1, buffer 2, name 3, quantization 4 (refused: these models are float).
  const tensors = main.tables(0).map((t, index): TfliteTensor => {
    const quant = t.table(4);
    if (quant && quant.tables(0).length + quant.int32s(2).length > 0 && t.int8(1) !== TENSOR_TYPE.FLOAT16) {
      // A quantization table with scales means integer weights; the face models ship float16 instead.
      throw new Error(`tensor ${t.string(3) ?? index} is quantized; only float models are supported`);
    }
    const data = buffers[t.uint32(2)];
    return { index, name: t.string(3) ?? `t${index}`, shape: t.int32s(0), type: t.int8(1), data: data && data.length > 0 ? data : undefined };
  });
  // Operator: opcode_index 0, inputs 1, outputs 2, builtin_options_type 3, builtin_options 4.
  const operators = main.tables(3).map((op): TfliteOperator => {
    const builtin = opcodes[op.uint32(0)];
    if (builtin === undefined) throw new Error('operator refers to a missing operator code');
    return { builtin, inputs: op.int32s(1), outputs: op.int32s(2), options: op.table(4) };
  });
  return { version: model.uint32(0), tensors, operators, inputs: main.int32s(1), outputs: main.int32s(2) };
}
