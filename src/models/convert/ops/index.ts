// tf op → handler. A plain constant map (no registration side effects): an op missing here is a clear
// "unsupported op" error at conversion time.
import { conv2d, pool } from './convolution.js';
import { matmul, softmax } from './dense.js';
import { binary, prelu, unary } from './elementwise.js';
import type { OpHandler } from './OpHandler.js';
import { reduce } from './reduction.js';
import { concat, pad, reshape, squeeze } from './reshaping.js';

export const OP_HANDLERS: ReadonlyMap<string, OpHandler> = new Map<string, OpHandler>([
  ['Conv2D', conv2d],
  ['_FusedConv2D', conv2d],
  ['DepthwiseConv2dNative', conv2d],
  ['FusedDepthwiseConv2dNative', conv2d],
  ['MaxPool', pool],
  ['AvgPool', pool],
  ...['Add', 'AddV2', 'Sub', 'Mul', 'RealDiv', 'Maximum', 'Minimum'].map((op): [string, OpHandler] => [op, binary]),
  ...['Relu', 'Relu6', 'Sigmoid', 'Elu', 'LeakyRelu', 'Tanh', 'Exp', 'Neg', 'Abs', 'Sqrt', 'Rsqrt', 'Square'].map(
    (op): [string, OpHandler] => [op, unary],
  ),
  ['Prelu', prelu],
  ['Pad', pad],
  ['PadV2', pad],
  ['Reshape', reshape],
  ['Squeeze', squeeze],
  ['ConcatV2', concat],
  ...['Mean', 'Max', 'Sum', 'Min'].map((op): [string, OpHandler] => [op, reduce]),
  ['MatMul', matmul],
  ['_FusedMatMul', matmul],
  ['Softmax', softmax],
]);

export type { OpHandler } from './OpHandler.js';
