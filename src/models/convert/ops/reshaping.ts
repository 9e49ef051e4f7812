// Shape-changing ops: Pad, Reshape, Squeeze, ConcatV2.
import { dimAt } from '../arrays.js';
import { TF_TO_NCHW, type Layout } from '../ConversionContext.js';
import { intListAttr } from '../tfAttributes.js';
import { inputAt, type OpHandler } from './OpHandler.js';

export const pad: OpHandler = (node, inputs, ctx) => {
  const name = inputAt(node, inputs, 0);
  const t = ctx.ref(name);
  const p = ctx.constantInts(inputAt(node, inputs, 1));
  const before: number[] = [];
  const after: number[] = [];
  for (let i = 0; i < t.rank; i++) {
    before.push(dimAt(p, 2 * i));
    after.push(dimAt(p, 2 * i + 1));
  }
  // Padding is given per tf axis; reorder it to the axes the tensor actually has.
  const axes: readonly number[] = t.layout === 'nchw' && t.rank === 4 ? TF_TO_NCHW : [...Array(t.rank).keys()];
  const pads = [...axes.map((a) => dimAt(before, a)), ...axes.map((a) => dimAt(after, a))];
  const args = [ctx.live(name, t.layout), ctx.builder.initializer('pads', pads, [pads.length], 'int64')];
  if (node.op === 'PadV2') args.push(ctx.constant(inputAt(node, inputs, 2), 'tf', 0));
  ctx.define(node.name, { onnx: ctx.builder.node('Pad', args), layout: t.layout, rank: t.rank });
};

export const reshape: OpHandler = (node, inputs, ctx) => {
  const x = ctx.live(inputAt(node, inputs, 0), 'tf');
  const target = ctx.constantInts(inputAt(node, inputs, 1));
  // With a dynamic batch, a target that hard-codes batch 1 would fold the batch into the next axis;
  // ONNX Reshape's 0 copies the input's dimension 0 instead.
  if (ctx.options.dynamicBatch && target[0] === 1) target[0] = 0;
  const shape = ctx.builder.initializer('shape', target, [target.length], 'int64');
  ctx.define(node.name, { onnx: ctx.builder.node('Reshape', [x, shape]), layout: 'tf', rank: target.length });
};

export const squeeze: OpHandler = (node, inputs, ctx) => {
  const name = inputAt(node, inputs, 0);
  const rank = ctx.ref(name).rank;
  const axes = (intListAttr(node, 'squeeze_dims') ?? []).map((a) => (a < 0 ? a + rank : a));
  if (axes.length === 0) throw new Error(`'${node.name}': Squeeze without axes depends on run-time shapes`);
  if (ctx.options.dynamicBatch && axes.includes(0)) throw new Error(`'${node.name}': squeezes the batch axis`);
  const args = [ctx.live(name, 'tf'), ctx.builder.initializer('axes', axes, [axes.length], 'int64')];
  ctx.define(node.name, { onnx: ctx.builder.node('Squeeze', args), layout: 'tf', rank: rank - axes.length });
};

export const concat: OpHandler = (node, inputs, ctx) => {
  const parts = inputs.slice(0, -1);
  const first = parts[0];
  if (first === undefined) throw new Error(`'${node.name}': ConcatV2 without inputs`);
  const rank = ctx.ref(first).rank;
  let axis = dimAt(ctx.constantInts(inputAt(node, inputs, inputs.length - 1)), 0);
  if (axis < 0) axis += rank;
  const allNchw = rank === 4 && parts.every((p) => ctx.isConstant(p) || ctx.ref(p).layout === 'nchw');
  const layout: Layout = allNchw ? 'nchw' : 'tf';
  const args = parts.map((p) => ctx.operand(p, layout, rank));
  const onnxAxis = layout === 'nchw' ? TF_TO_NCHW.indexOf(axis as 0 | 1 | 2 | 3) : axis;
  ctx.define(node.name, { onnx: ctx.builder.node('Concat', args, { axis: { int: onnxAxis } }), layout, rank });
};
