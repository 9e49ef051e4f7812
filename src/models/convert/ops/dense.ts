// MatMul (optionally fused with BiasAdd + activation) → Gemm, and Softmax over the last axis.
import { boolAttr, stringListAttr } from '../tfAttributes.js';
import { applyActivation } from './activation.js';
import { inputAt, type OpHandler } from './OpHandler.js';

export const matmul: OpHandler = (node, inputs, ctx) => {
  const a = ctx.live(inputAt(node, inputs, 0), 'tf');
  const b = ctx.operand(inputAt(node, inputs, 1), 'tf', 2);
  const gemmInputs = [a, b];
  const fused = stringListAttr(node, 'fused_ops');
  if (fused.length > 0) {
    if (fused[0] !== 'BiasAdd') throw new Error(`'${node.name}': unsupported fused_ops ${fused.join('+')}`);
    gemmInputs.push(ctx.constant(inputAt(node, inputs, 2), 'tf', 1));
  }
  const alpha = fused[1] === 'Prelu' ? ctx.constant(inputAt(node, inputs, 3), 'tf', 2) : undefined;
  const y = ctx.builder.node(
    'Gemm',
    gemmInputs,
    {
      transA: { int: boolAttr(node, 'transpose_a', false) ? 1 : 0 },
      transB: { int: boolAttr(node, 'transpose_b', false) ? 1 : 0 },
    },
    'gemm',
  );
  ctx.define(node.name, { onnx: applyActivation(ctx, y, fused[1], node, alpha), layout: 'tf', rank: 2 });
};

export const softmax: OpHandler = (node, inputs, ctx) => {
  const name = inputAt(node, inputs, 0);
  const y = ctx.builder.node('Softmax', [ctx.live(name, 'tf')], { axis: { int: -1 } });
  ctx.define(node.name, { onnx: y, layout: 'tf', rank: ctx.ref(name).rank });
};
