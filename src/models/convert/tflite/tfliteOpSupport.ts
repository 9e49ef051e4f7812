// Small helpers shared by the TFLite op converters.
import type { ConversionContext } from '../ConversionContext.js';
import type { TfliteGraph, TfliteOperator, TfliteTensor } from '../../tflite/tfliteModel.js';
import { tensorKey } from './tfliteWeights.js';

/** schema.fbs ActivationFunctionType */
const ACTIVATION = { NONE: 0, RELU: 1, RELU_N1_TO_1: 2, RELU6: 3, TANH: 4 } as const;

export function tensorOf(graph: TfliteGraph, index: number | undefined): TfliteTensor {
  const t = index === undefined ? undefined : graph.tensors[index];
  if (!t) throw new Error(`operator refers to a missing tensor ${String(index)}`);
  return t;
}

export function inputKey(op: TfliteOperator, i: number): string {
  const index = op.inputs[i];
  if (index === undefined || index < 0) throw new Error(`operator ${op.builtin} has no input ${i}`);
  return tensorKey(index);
}

export function outputKey(op: TfliteOperator): string {
  const index = op.outputs[0];
  if (index === undefined || op.outputs.length !== 1) throw new Error(`operator ${op.builtin} must have exactly one output`);
  return tensorKey(index);
}

export function fusedActivation(ctx: ConversionContext, x: string, activation: number): string {
  const b = ctx.builder;
  switch (activation) {
    case ACTIVATION.NONE:
      return x;
    case ACTIVATION.RELU:
      return b.node('Relu', [x]);
    case ACTIVATION.RELU6:
      return b.node('Clip', [x, b.initializer('zero', [0], []), b.initializer('six', [6], [])]);
    case ACTIVATION.RELU_N1_TO_1:
      return b.node('Clip', [x, b.initializer('minus_one', [-1], []), b.initializer('one', [1], [])]);
    case ACTIVATION.TANH:
      return b.node('Tanh', [x]);
    default:
      throw new Error(`unsupported fused activation ${activation}`);
  }
}
