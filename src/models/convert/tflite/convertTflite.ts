// TFLite graph → ONNX graph (opset 13), beside the tfjs converter and sharing its ONNX graph builder and
// layout bookkeeping (ConversionContext): 4-D activations are NCHW from the first conv on, transposed back
// to TFLite's NHWC only where the semantics need it. Handles the operator subset of MediaPipe's FaceMesh V2
// and Blendshape V2; any other operator is an error, never a silent approximation.
import { ConversionContext } from '../ConversionContext.js';
import { OnnxGraphBuilder, type OnnxDim } from '../OnnxGraphBuilder.js';
import { TENSOR_TYPE, type TfliteGraph, type TfliteOperator } from '../../tflite/tfliteModel.js';
import { convertConv, convertPool } from './tfliteConv.js';
import { convertBinary, convertPrelu, convertUnary } from './tfliteElementwise.js';
import { inputKey, outputKey, tensorOf } from './tfliteOpSupport.js';
import { convertConcat, convertPad, convertReduce, convertReshape, convertStridedSlice, convertTranspose } from './tfliteShape.js';
import { tensorKey, tfliteWeights } from './tfliteWeights.js';

/** schema.fbs BuiltinOperator codes this converter handles. */
export const TFLITE_OPS = {
  ADD: 0,
  AVERAGE_POOL_2D: 1,
  CONCATENATION: 2,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  LOGISTIC: 14,
  MAX_POOL_2D: 17,
  MUL: 18,
  RESHAPE: 22,
  PAD: 34,
  TRANSPOSE: 39,
  MEAN: 40,
  SUB: 41,
  DIV: 42,
  STRIDED_SLICE: 45,
  PRELU: 54,
  NEG: 59,
  SUM: 74,
  SQRT: 75,
  RSQRT: 76,
  SQUARED_DIFFERENCE: 99,
} as const;

const O = TFLITE_OPS;

type Handler = (op: TfliteOperator, graph: TfliteGraph, ctx: ConversionContext) => void;

const HANDLERS: ReadonlyMap<number, Handler> = new Map<number, Handler>([
  [O.CONV_2D, (op, g, ctx) => convertConv(op, g, ctx, false)],
  [O.DEPTHWISE_CONV_2D, (op, g, ctx) => convertConv(op, g, ctx, true)],
  [O.MAX_POOL_2D, (op, g, ctx) => convertPool(op, g, ctx, 'MaxPool')],
  [O.AVERAGE_POOL_2D, (op, g, ctx) => convertPool(op, g, ctx, 'AveragePool')],
  [O.ADD, (op, _g, ctx) => convertBinary(op, ctx, 'Add')],
  [O.SUB, (op, _g, ctx) => convertBinary(op, ctx, 'Sub')],
  [O.MUL, (op, _g, ctx) => convertBinary(op, ctx, 'Mul')],
  [O.DIV, (op, _g, ctx) => convertBinary(op, ctx, 'Div')],
  [O.SQUARED_DIFFERENCE, (op, _g, ctx) => convertBinary(op, ctx, 'SquaredDifference')],
  [O.LOGISTIC, (op, _g, ctx) => convertUnary(op, ctx, 'Sigmoid')],
  [O.SQRT, (op, _g, ctx) => convertUnary(op, ctx, 'Sqrt')],
  [O.RSQRT, (op, _g, ctx) => convertUnary(op, ctx, 'Rsqrt')],
  [O.NEG, (op, _g, ctx) => convertUnary(op, ctx, 'Neg')],
  [O.PRELU, (op, _g, ctx) => convertPrelu(op, ctx)],
  [O.PAD, (op, _g, ctx) => convertPad(op, ctx)],
  [O.RESHAPE, (op, _g, ctx) => convertReshape(op, ctx)],
  [O.TRANSPOSE, (op, _g, ctx) => convertTranspose(op, ctx)],
  [O.STRIDED_SLICE, (op, _g, ctx) => convertStridedSlice(op, ctx)],
  [O.CONCATENATION, (op, _g, ctx) => convertConcat(op, ctx)],
  [O.MEAN, (op, _g, ctx) => convertReduce(op, ctx, 'ReduceMean')],
  [O.SUM, (op, _g, ctx) => convertReduce(op, ctx, 'ReduceSum')],
]);

export interface TfliteConversion {
  readonly builder: OnnxGraphBuilder;
  /** ONNX name of a converted TFLite tensor (by index), in TFLite's own layout, ready to be an output. */
  tensor(index: number): string;
}

export interface TfliteConversionOptions {
  /** Make dimension 0 symbolic ('N') so one session runs a batch (the file fixes it to 1). */
  dynamicBatch: boolean;
  /** Public names of the graph inputs, in the file's input order. */
  inputNames: readonly string[];
}

export function convertTflite(graph: TfliteGraph, options: TfliteConversionOptions): TfliteConversion {
  const builder = new OnnxGraphBuilder();
  const weights = tfliteWeights(graph);
  const ctx = new ConversionContext(builder, weights, { dynamicBatch: options.dynamicBatch, inputNames: {} });
  for (const t of graph.tensors) {
    if (weights.has(tensorKey(t.index))) ctx.define(tensorKey(t.index), { onnx: undefined, layout: 'tf', rank: t.shape.length });
  }
  graph.inputs.forEach((index, i) => {
    const t = tensorOf(graph, index);
    if (t.type !== TENSOR_TYPE.FLOAT32) throw new Error(`input ${t.name} is not float32`);
    const dims: OnnxDim[] = t.shape.map((d, k) => (k === 0 && options.dynamicBatch ? 'N' : d));
    const name = builder.input(options.inputNames[i] ?? t.name, dims);
    ctx.define(tensorKey(index), { onnx: name, layout: 'tf', rank: t.shape.length });
  });
  for (const op of graph.operators) {
    if (op.builtin === O.DEQUANTIZE) {
      // float16 constants were expanded when read; DEQUANTIZE only renames them.
      const source = inputKey(op, 0);
      const w = weights.get(source);
      if (!w) throw new Error('DEQUANTIZE of a computed tensor is not supported');
      weights.set(outputKey(op), w);
      ctx.define(outputKey(op), ctx.ref(source));
      continue;
    }
    const handler = HANDLERS.get(op.builtin);
    if (!handler) throw new Error(`unsupported TFLite operator ${op.builtin}`);
    handler(op, graph, ctx);
  }
  return { builder, tensor: (index) => ctx.live(tensorKey(index), 'tf') };
}
