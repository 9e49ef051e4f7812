// State of one tfjs → ONNX conversion: which ONNX tensor holds each tf tensor, and in which layout.
//
// Why layouts: tfjs is NHWC, ONNX Conv/Pool are NCHW. Transposing around every conv would double the node
// count and cost real time on a CPU, so 4-D activations stay NCHW from the first conv on and a Transpose
// is inserted only where NHWC semantics matter (Reshape, Softmax, mixed-rank broadcasting, graph outputs).
// Constants are rearranged at conversion time instead, so they cost nothing at run time.
import { product, transposeArray } from './arrays.js';
import type { WeightTensor, WeightMap } from './decodeWeights.js';
import type { InitializerType, OnnxGraphBuilder } from './OnnxGraphBuilder.js';

/** 'tf': the tensor is laid out as tfjs has it (NHWC for rank 4); 'nchw': a 4-D tensor kept channels-first. */
export type Layout = 'tf' | 'nchw';

export interface TensorRef {
  /** ONNX tensor name; undefined for a constant, which is materialised per use in the layout needed. */
  onnx: string | undefined;
  layout: Layout;
  rank: number;
}

export const TF_TO_NCHW = [0, 3, 1, 2] as const;
export const NCHW_TO_TF = [0, 2, 3, 1] as const;

export interface ConversionOptions {
  /**
   * Make dimension 0 symbolic ('N') even where the tfjs graph fixed it to 1, so one session runs a batch.
   * Reshapes whose target starts with 1 then copy dimension 0 from their input instead (ONNX Reshape's 0).
   */
  dynamicBatch: boolean;
  /** tf Placeholder name → ONNX input name (the public name the manifest documents). */
  inputNames: Readonly<Record<string, string>>;
}

export class ConversionContext {
  private readonly tensors = new Map<string, TensorRef>();
  private readonly transposed = new Map<string, string>();

  constructor(
    readonly builder: OnnxGraphBuilder,
    private readonly weights: WeightMap,
    readonly options: ConversionOptions,
  ) {}

  define(tfName: string, ref: TensorRef): void {
    this.tensors.set(tfName, ref);
  }

  ref(tfName: string): TensorRef {
    const t = this.tensors.get(tfName);
    if (!t) throw new Error(`tensor '${tfName}' is used before it is defined (or its op was not converted)`);
    return t;
  }

  isConstant(tfName: string): boolean {
    return this.ref(tfName).onnx === undefined;
  }

  weight(tfName: string): WeightTensor {
    const w = this.weights.get(tfName);
    if (!w) throw new Error(`constant '${tfName}' has no value in the weights manifest`);
    return w;
  }

  /** Integer values of a small constant (shapes, axes, paddings). */
  constantInts(tfName: string): number[] {
    return Array.from(this.weight(tfName).data);
  }

  /** The ONNX name of a live tensor in the requested layout, transposing (once, cached) if needed. */
  live(tfName: string, layout: Layout): string {
    const t = this.ref(tfName);
    if (t.onnx === undefined) throw new Error(`'${tfName}' is a constant where a computed tensor was expected`);
    if (t.layout === layout || t.rank !== 4) return t.onnx;
    const key = `${tfName}|${layout}`;
    let name = this.transposed.get(key);
    if (name === undefined) {
      name = this.builder.node('Transpose', [t.onnx], { perm: { ints: layout === 'nchw' ? TF_TO_NCHW : NCHW_TO_TF } }, 'tr');
      this.transposed.set(key, name);
    }
    return name;
  }

  /** A live tensor in the layout requested, or a constant materialised so it broadcasts against it. */
  operand(tfName: string, layout: Layout, targetRank: number): string {
    return this.isConstant(tfName) ? this.constant(tfName, layout, targetRank) : this.live(tfName, layout);
  }

  /**
   * A tf constant as an ONNX initializer that broadcasts correctly against a tensor of `targetRank` in
   * `layout`. A per-channel vector (shape [C] or [1,..,1,C]) becomes [C,1,1] against NCHW; a 4-D constant
   * is transposed; anything else in NCHW context would broadcast differently from tfjs, so it is refused.
   */
  constant(tfName: string, layout: Layout, targetRank: number): string {
    const w = this.weight(tfName);
    let { data, shape } = w;
    if (layout === 'nchw' && targetRank === 4) {
      if (shape.length === 4) {
        ({ data, shape } = transposeArray(data, shape, TF_TO_NCHW));
      } else if (shape.length >= 1 && product(shape) === shape[shape.length - 1]) {
        const channels = shape[shape.length - 1] ?? 1;
        shape = channels === 1 ? [1] : [channels, 1, 1];
      } else if (shape.length !== 0) {
        throw new Error(`cannot broadcast constant '${tfName}' [${w.shape.join(',')}] against an NCHW tensor`);
      }
    }
    const type: InitializerType = w.dtype === 'int32' ? 'int32' : 'float32';
    return this.builder.initializer(tfName, data, shape, type);
  }
}
