// Activations, standalone or fused into a conv/matmul by the tfjs converter (fused_ops: [BiasAdd, Act]).
import type { ConversionContext } from '../ConversionContext.js';
import { floatAttr } from '../tfAttributes.js';
import type { TfNode } from '../tfjsModel.js';

/** `alpha` is the ONNX name of PRelu's slope, already laid out to broadcast against `x`. */
export function applyActivation(
  ctx: ConversionContext,
  x: string,
  activation: string | undefined,
  node: TfNode,
  alpha?: string,
): string {
  const b = ctx.builder;
  switch (activation) {
    case undefined:
      return x;
    case 'Relu':
      return b.node('Relu', [x]);
    case 'Relu6':
      return b.node('Clip', [x, b.initializer('zero', [0], []), b.initializer('six', [6], [])]);
    case 'Sigmoid':
      return b.node('Sigmoid', [x]);
    case 'Elu':
      return b.node('Elu', [x]);
    case 'LeakyRelu':
      return b.node('LeakyRelu', [x], { alpha: { float: floatAttr(node, 'leakyrelu_alpha', 0.2) } });
    case 'Prelu':
      if (alpha === undefined) throw new Error(`Prelu in '${node.name}' has no alpha`);
      return b.node('PRelu', [x, alpha]);
    default:
      throw new Error(`unsupported activation ${activation} in '${node.name}'`);
  }
}
