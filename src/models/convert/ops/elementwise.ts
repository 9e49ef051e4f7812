// Element-wise ops. Binary ops run in NCHW when a live operand is NCHW so a conv → add → conv chain needs
// no Transpose; constants are laid out to broadcast the way tfjs broadcasts them.
import type { Layout } from '../ConversionContext.js';
import { applyActivation } from './activation.js';
import { inputAt, type OpHandler } from './OpHandler.js';

const BINARY: Readonly<Record<string, string>> = {
  Add: 'Add',
  AddV2: 'Add',
  Sub: 'Sub',
  Mul: 'Mul',
  RealDiv: 'Div',
  Maximum: 'Max',
  Minimum: 'Min',
};

export const binary: OpHandler = (node, inputs, ctx) => {
  const op = BINARY[node.op];
  if (op === undefined) throw new Error(`'${node.name}': ${node.op} is not a binary op`);
  const names = [inputAt(node, inputs, 0), inputAt(node, inputs, 1)];
  const refs = names.map((n) => ctx.ref(n));
  const rank = Math.max(...refs.map((r) => r.rank));
  const live = refs.filter((r) => r.onnx !== undefined);
  let layout: Layout = live.some((r) => r.layout === 'nchw' && r.rank === 4) ? 'nchw' : 'tf';
  // Two live tensors of different rank broadcast from the right in tf's (NHWC) axis order.
  if (live.length === 2 && live[0]?.rank !== live[1]?.rank) layout = 'tf';
  const args = names.map((n) => ctx.operand(n, layout, rank));
  ctx.define(node.name, { onnx: ctx.builder.node(op, args), layout, rank });
};

const ACTIVATIONS = new Set(['Relu', 'Relu6', 'Sigmoid', 'Elu', 'LeakyRelu']);
const SAME_NAME = new Set(['Tanh', 'Exp', 'Neg', 'Abs', 'Sqrt']);

/** Layout-agnostic unary ops: the output keeps the input's layout. */
export const unary: OpHandler = (node, inputs, ctx) => {
  const name = inputAt(node, inputs, 0);
  const t = ctx.ref(name);
  const x = ctx.live(name, t.layout);
  const b = ctx.builder;
  let y: string;
  if (ACTIVATIONS.has(node.op)) y = applyActivation(ctx, x, node.op, node);
  else if (SAME_NAME.has(node.op)) y = b.node(node.op, [x]);
  else if (node.op === 'Rsqrt') y = b.node('Reciprocal', [b.node('Sqrt', [x])]);
  else if (node.op === 'Square') y = b.node('Mul', [x, x]);
  else throw new Error(`'${node.name}': ${node.op} is not a unary op`);
  ctx.define(node.name, { onnx: y, layout: t.layout, rank: t.rank });
};

export const prelu: OpHandler = (node, inputs, ctx) => {
  const name = inputAt(node, inputs, 0);
  const t = ctx.ref(name);
  const slope = ctx.constant(inputAt(node, inputs, 1), t.layout, t.rank);
  ctx.define(node.name, { onnx: ctx.builder.node('PRelu', [ctx.live(name, t.layout), slope]), layout: t.layout, rank: t.rank });
};
