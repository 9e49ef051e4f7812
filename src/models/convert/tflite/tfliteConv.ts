// TFLite CONV_2D, DEPTHWISE_CONV_2D and the 2-D pools → ONNX Conv / MaxPool / AveragePool in NCHW.
// TFLite's SAME padding is written out as explicit pads from the static shapes (the odd pixel goes at the
// end, as in TF), so the graph does not depend on ONNX's auto_pad.
import { transposeArray } from '../arrays.js';
import type { ConversionContext } from '../ConversionContext.js';
import type { OnnxAttribute } from '../OnnxGraphBuilder.js';
import type { TfliteGraph, TfliteOperator } from '../../tflite/tfliteModel.js';
import { fusedActivation, inputKey, outputKey, tensorOf } from './tfliteOpSupport.js';

/** schema.fbs Padding */
const PADDING_SAME = 0;
const PADDING_VALID = 1;

function samePads(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

interface Window {
  padding: number;
  strideW: number;
  strideH: number;
  dilationW: number;
  dilationH: number;
}

function windowAttributes(inputShape: readonly number[], kh: number, kw: number, w: Window, where: string): Record<string, OnnxAttribute> {
  const h = inputShape[1];
  const wd = inputShape[2];
  if (h === undefined || wd === undefined || h <= 0 || wd <= 0) throw new Error(`${where}: input needs a static NHWC shape`);
  let pads = [0, 0, 0, 0];
  if (w.padding === PADDING_SAME) {
    const [t, b] = samePads(h, kh, w.strideH, w.dilationH);
    const [l, r] = samePads(wd, kw, w.strideW, w.dilationW);
    pads = [t, l, b, r];
  } else if (w.padding !== PADDING_VALID) {
    throw new Error(`${where}: unknown padding ${w.padding}`);
  }
  const attrs: Record<string, OnnxAttribute> = { kernel_shape: { ints: [kh, kw] }, strides: { ints: [w.strideH, w.strideW] }, pads: { ints: pads } };
  if (w.dilationH !== 1 || w.dilationW !== 1) attrs['dilations'] = { ints: [w.dilationH, w.dilationW] };
  return attrs;
}

/** Conv2DOptions: padding 0, stride_w 1, stride_h 2, activation 3, dilation_w 4, dilation_h 5.
 *  DepthwiseConv2DOptions: padding 0, stride_w 1, stride_h 2, depth_multiplier 3, activation 4, dilation_w 5, dilation_h 6. */
export function convertConv(op: TfliteOperator, graph: TfliteGraph, ctx: ConversionContext, depthwise: boolean): void {
  const o = op.options;
  if (!o) throw new Error('conv without options');
  const d = depthwise ? 1 : 0;
  const win: Window = { padding: o.int8(0), strideW: o.int32(1), strideH: o.int32(2), dilationW: o.int32(4 + d, 1), dilationH: o.int32(5 + d, 1) };
  const activation = o.int8(3 + d);
  const xShape = tensorOf(graph, op.inputs[0]).shape;
  const x = ctx.live(inputKey(op, 0), 'nchw');
  const w = ctx.weight(inputKey(op, 1));
  const [a, kh, kw, c] = w.shape;
  if (a === undefined || kh === undefined || kw === undefined || c === undefined) throw new Error('conv filter must be 4-D');
  const attrs = windowAttributes(xShape, kh, kw, win, depthwise ? 'DEPTHWISE_CONV_2D' : 'CONV_2D');
  let weight: string;
  if (depthwise) {
    // TFLite [1, kh, kw, C·M] → ONNX grouped conv [C·M, 1, kh, kw]; output channel c·M + m in both.
    const inChannels = xShape[3];
    if (inChannels === undefined || c % inChannels !== 0) throw new Error('depthwise filter does not fit its input channels');
    const t = transposeArray(w.data, w.shape, [3, 0, 1, 2]);
    weight = ctx.builder.initializer('dw_w', t.data, t.shape);
    attrs['group'] = { int: inChannels };
  } else {
    // TFLite OHWI → ONNX OIHW
    const t = transposeArray(w.data, w.shape, [0, 3, 1, 2]);
    weight = ctx.builder.initializer('conv_w', t.data, t.shape);
  }
  const args = [x, weight];
  const bias = op.inputs[2];
  if (bias !== undefined && bias >= 0) args.push(ctx.constant(inputKey(op, 2), 'tf', 1));
  const y = ctx.builder.node('Conv', args, attrs, 'conv');
  ctx.define(outputKey(op), { onnx: fusedActivation(ctx, y, activation), layout: 'nchw', rank: 4 });
}

/** Pool2DOptions: padding 0, stride_w 1, stride_h 2, filter_width 3, filter_height 4, activation 5. */
export function convertPool(op: TfliteOperator, graph: TfliteGraph, ctx: ConversionContext, kind: 'MaxPool' | 'AveragePool'): void {
  const o = op.options;
  if (!o) throw new Error('pool without options');
  const win: Window = { padding: o.int8(0), strideW: o.int32(1), strideH: o.int32(2), dilationW: 1, dilationH: 1 };
  const attrs = windowAttributes(tensorOf(graph, op.inputs[0]).shape, o.int32(4), o.int32(3), win, kind);
  // TFLite's average pool divides by the pixels inside the image only: ONNX's count_include_pad = 0.
  const y = ctx.builder.node(kind, [ctx.live(inputKey(op, 0), 'nchw')], attrs, 'pool');
  ctx.define(outputKey(op), { onnx: fusedActivation(ctx, y, o.int8(5)), layout: 'nchw', rank: 4 });
}
