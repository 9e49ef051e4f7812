// Mean/Max/Sum/Min over axes. A spatial reduction of an NCHW tensor (GlobalAvgPool written as Mean over
// H,W) is done in place on NCHW, saving the Transpose back to NHWC.
import { TF_TO_NCHW, type Layout } from '../ConversionContext.js';
import { boolAttr } from '../tfAttributes.js';
import { inputAt, type OpHandler } from './OpHandler.js';

const REDUCE: Readonly<Record<string, string>> = { Mean: 'ReduceMean', Max: 'ReduceMax', Sum: 'ReduceSum', Min: 'ReduceMin' };

export const reduce: OpHandler = (node, inputs, ctx) => {
  const op = REDUCE[node.op];
  if (op === undefined) throw new Error(`'${node.name}': ${node.op} is not a reduction`);
  const name = inputAt(node, inputs, 0);
  const t = ctx.ref(name);
  let axes = ctx.constantInts(inputAt(node, inputs, 1)).map((a) => (a < 0 ? a + t.rank : a));
  const keep = boolAttr(node, 'keep_dims', false);
  const spatial = axes.length === 2 && axes.includes(1) && axes.includes(2);
  let x: string;
  let layout: Layout = 'tf';
  if (t.layout === 'nchw' && t.rank === 4 && (keep || spatial)) {
    x = ctx.live(name, 'nchw');
    axes = axes.map((a) => TF_TO_NCHW.indexOf(a as 0 | 1 | 2 | 3));
    // Without keep_dims, reducing H and W of NCHW leaves [N,C] — already tf order.
    layout = keep ? 'nchw' : 'tf';
  } else {
    x = ctx.live(name, 'tf');
  }
  const keepdims = { int: keep ? 1 : 0 };
  // Opset 13 moved ReduceSum's axes to an input; the other reductions still take an attribute.
  const y =
    op === 'ReduceSum'
      ? ctx.builder.node(op, [x, ctx.builder.initializer('axes', axes, [axes.length], 'int64')], { keepdims })
      : ctx.builder.node(op, [x], { axes: { ints: axes }, keepdims });
  ctx.define(node.name, { onnx: y, layout, rank: keep ? t.rank : t.rank - axes.length });
};
