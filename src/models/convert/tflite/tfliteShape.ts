// TFLite shape ops and reductions: PAD, RESHAPE, TRANSPOSE, STRIDED_SLICE, CONCATENATION, MEAN, SUM.
import { dimAt } from '../arrays.js';
import { TF_TO_NCHW, type ConversionContext, type Layout } from '../ConversionContext.js';
import type { TfliteOperator } from '../../tflite/tfliteModel.js';
import { fusedActivation, inputKey, outputKey } from './tfliteOpSupport.js';

const int64s = (ctx: ConversionContext, base: string, values: readonly number[]): string =>
  ctx.builder.initializer(base, values, [values.length], 'int64');

export function convertPad(op: TfliteOperator, ctx: ConversionContext): void {
  const name = inputKey(op, 0);
  const t = ctx.ref(name);
  const p = ctx.constantInts(inputKey(op, 1)); // [rank, 2]: before, after per NHWC axis
  const axes: readonly number[] = t.layout === 'nchw' && t.rank === 4 ? TF_TO_NCHW : [...Array(t.rank).keys()];
  const pads = [...axes.map((a) => dimAt(p, 2 * a)), ...axes.map((a) => dimAt(p, 2 * a + 1))];
  ctx.define(outputKey(op), { onnx: ctx.builder.node('Pad', [ctx.live(name, t.layout), int64s(ctx, 'pads', pads)]), layout: t.layout, rank: t.rank });
}

/** ReshapeOptions: new_shape 0; newer files give the shape as a second input instead. */
export function convertReshape(op: TfliteOperator, ctx: ConversionContext): void {
  const x = ctx.live(inputKey(op, 0), 'tf');
  const second = op.inputs[1];
  const target = second !== undefined && second >= 0 ? ctx.constantInts(inputKey(op, 1)) : (op.options?.int32s(0) ?? []);
  if (target.length === 0) throw new Error('RESHAPE without a target shape');
  // With a dynamic batch, a target that hard-codes batch 1 would fold the batch into the next axis;
  // ONNX Reshape's 0 copies the input's dimension 0 instead.
  if (ctx.options.dynamicBatch && target[0] === 1) target[0] = 0;
  ctx.define(outputKey(op), { onnx: ctx.builder.node('Reshape', [x, int64s(ctx, 'shape', target)]), layout: 'tf', rank: target.length });
}

export function convertTranspose(op: TfliteOperator, ctx: ConversionContext): void {
  const perm = ctx.constantInts(inputKey(op, 1));
  const y = ctx.builder.node('Transpose', [ctx.live(inputKey(op, 0), 'tf')], { perm: { ints: perm } });
  ctx.define(outputKey(op), { onnx: y, layout: 'tf', rank: perm.length });
}

const LARGE = 2 ** 53 - 1;

/** StridedSliceOptions: begin_mask 0, end_mask 1, ellipsis_mask 2, new_axis_mask 3, shrink_axis_mask 4, offset 5. */
export function convertStridedSlice(op: TfliteOperator, ctx: ConversionContext): void {
  const o = op.options;
  const beginMask = o?.int32(0) ?? 0;
  const endMask = o?.int32(1) ?? 0;
  const shrinkMask = o?.int32(4) ?? 0;
  if ((o?.int32(2) ?? 0) !== 0 || (o?.int32(3) ?? 0) !== 0 || (o?.bool(5) ?? false)) {
    throw new Error('STRIDED_SLICE with ellipsis, new-axis or offset masks is not supported');
  }
  const name = inputKey(op, 0);
  const rank = ctx.ref(name).rank;
  const begin = ctx.constantInts(inputKey(op, 1));
  const end = ctx.constantInts(inputKey(op, 2));
  const strides = ctx.constantInts(inputKey(op, 3));
  const starts: number[] = [];
  const ends: number[] = [];
  const shrunk: number[] = [];
  for (let i = 0; i < begin.length; i++) {
    const step = dimAt(strides, i);
    const bit = 1 << i;
    let s = dimAt(begin, i);
    let e = dimAt(end, i);
    if (shrinkMask & bit) {
      // One element at `begin`; end = begin + 1 except at -1, where +1 would be 0 (an empty slice).
      e = s === -1 ? LARGE : s + 1;
      shrunk.push(i);
    } else {
      if (beginMask & bit) s = step > 0 ? 0 : LARGE;
      if (endMask & bit) e = step > 0 ? LARGE : -LARGE;
    }
    starts.push(s);
    ends.push(e);
  }
  const axes = [...starts.keys()];
  const args = [ctx.live(name, 'tf'), int64s(ctx, 'starts', starts), int64s(ctx, 'ends', ends), int64s(ctx, 'axes', axes), int64s(ctx, 'steps', strides)];
  let y = ctx.builder.node('Slice', args);
  if (shrunk.length > 0) y = ctx.builder.node('Squeeze', [y, int64s(ctx, 'axes', shrunk)]);
  ctx.define(outputKey(op), { onnx: y, layout: 'tf', rank: rank - shrunk.length });
}

/** ConcatenationOptions: axis 0, fused_activation_function 1. */
export function convertConcat(op: TfliteOperator, ctx: ConversionContext): void {
  const parts = op.inputs.map((_, i) => inputKey(op, i));
  const first = parts[0];
  if (first === undefined) throw new Error('CONCATENATION without inputs');
  const rank = ctx.ref(first).rank;
  let axis = op.options?.int32(0) ?? 0;
  if (axis < 0) axis += rank;
  const allNchw = rank === 4 && parts.every((p) => ctx.isConstant(p) || ctx.ref(p).layout === 'nchw');
  const layout: Layout = allNchw ? 'nchw' : 'tf';
  const onnxAxis = layout === 'nchw' ? TF_TO_NCHW.indexOf(axis as 0 | 1 | 2 | 3) : axis;
  const y = ctx.builder.node('Concat', parts.map((p) => ctx.operand(p, layout, rank)), { axis: { int: onnxAxis } });
  ctx.define(outputKey(op), { onnx: fusedActivation(ctx, y, op.options?.int8(1) ?? 0), layout, rank });
}

/** ReducerOptions: keep_dims 0. Axes come as the second input. */
export function convertReduce(op: TfliteOperator, ctx: ConversionContext, kind: 'ReduceMean' | 'ReduceSum'): void {
  const name = inputKey(op, 0);
  const t = ctx.ref(name);
  const keep = op.options?.bool(0) ?? false;
  let axes = ctx.constantInts(inputKey(op, 1)).map((a) => (a < 0 ? a + t.rank : a));
  let x: string;
  let layout: Layout = 'tf';
  if (t.layout === 'nchw' && t.rank === 4 && keep) {
    // Reduce an NCHW activation in place: same axes, renumbered, and the result stays NCHW.
    x = ctx.live(name, 'nchw');
    axes = axes.map((a) => TF_TO_NCHW.indexOf(a as 0 | 1 | 2 | 3));
    layout = 'nchw';
  } else {
    x = ctx.live(name, 'tf');
  }
  const keepdims = { int: keep ? 1 : 0 };
  // Opset 13 moved ReduceSum's axes to an input; ReduceMean still takes an attribute.
  const y =
    kind === 'ReduceSum' ? ctx.builder.node(kind, [x, int64s(ctx, 'axes', axes)], { keepdims }) : ctx.builder.node(kind, [x], { axes: { ints: axes }, keepdims });
  ctx.define(outputKey(op), { onnx: y, layout, rank: keep ? t.rank : t.rank - axes.length });
}
