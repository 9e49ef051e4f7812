// TFLite element-wise ops. As in the tfjs converter, a binary op runs in NCHW when a live operand is an
// NCHW activation, so conv → add → conv chains need no Transpose; constants are laid out to broadcast the
// way TFLite broadcasts them (NHWC, from the right).
import type { ConversionContext, Layout } from '../ConversionContext.js';
import type { TfliteOperator } from '../../tflite/tfliteModel.js';
import { fusedActivation, inputKey, outputKey } from './tfliteOpSupport.js';

/** Add/Sub/Mul/Div options all hold fused_activation_function at field 0. */
export function convertBinary(op: TfliteOperator, ctx: ConversionContext, onnxOp: 'Add' | 'Sub' | 'Mul' | 'Div' | 'SquaredDifference'): void {
  const names = [inputKey(op, 0), inputKey(op, 1)];
  const refs = names.map((n) => ctx.ref(n));
  const rank = Math.max(...refs.map((r) => r.rank));
  const live = refs.filter((r) => r.onnx !== undefined);
  if (live.length === 0) throw new Error('a binary op on two constants should have been folded by the TFLite converter');
  let layout: Layout = live.some((r) => r.layout === 'nchw' && r.rank === 4) ? 'nchw' : 'tf';
  // Two live tensors of different rank broadcast from the right in TFLite's (NHWC) axis order.
  if (live.length === 2 && live[0]?.rank !== live[1]?.rank) layout = 'tf';
  const [a, b] = names.map((n) => ctx.operand(n, layout, rank)) as [string, string];
  let y: string;
  if (onnxOp === 'SquaredDifference') {
    const d = ctx.builder.node('Sub', [a, b]);
    y = ctx.builder.node('Mul', [d, d]);
  } else {
    y = ctx.builder.node(onnxOp, [a, b]);
  }
  const activation = onnxOp === 'SquaredDifference' ? 0 : (op.options?.int8(0) ?? 0);
  ctx.define(outputKey(op), { onnx: fusedActivation(ctx, y, activation), layout, rank });
}

/** Layout-agnostic unary ops: the output keeps the input's layout. */
export function convertUnary(op: TfliteOperator, ctx: ConversionContext, kind: 'Sigmoid' | 'Sqrt' | 'Rsqrt' | 'Neg'): void {
  const name = inputKey(op, 0);
  const t = ctx.ref(name);
  const x = ctx.live(name, t.layout);
  const b = ctx.builder;
  const y = kind === 'Rsqrt' ? b.node('Reciprocal', [b.node('Sqrt', [x])]) : b.node(kind, [x]);
  ctx.define(outputKey(op), { onnx: y, layout: t.layout, rank: t.rank });
}

export function convertPrelu(op: TfliteOperator, ctx: ConversionContext): void {
  const name = inputKey(op, 0);
  const t = ctx.ref(name);
  const slope = ctx.constant(inputKey(op, 1), t.layout, t.rank);
  ctx.define(outputKey(op), { onnx: ctx.builder.node('PRelu', [ctx.live(name, t.layout), slope]), layout: t.layout, rank: t.rank });
}
