// Conv2D, depthwise convs (plain and fused with BiasAdd + activation) and pooling, computed in NCHW.
import { dimAt, transposeArray } from '../arrays.js';
import type { ConversionContext } from '../ConversionContext.js';
import type { OnnxAttribute } from '../OnnxGraphBuilder.js';
import { intListAttr, stringAttr, stringListAttr } from '../tfAttributes.js';
import type { TfNode } from '../tfjsModel.js';
import { applyActivation } from './activation.js';
import { inputAt, type OpHandler } from './OpHandler.js';

/** Kernel, strides, dilations and padding of a tf NHWC conv/pool as ONNX attributes. */
function windowAttributes(node: TfNode, kh: number, kw: number): Record<string, OnnxAttribute> {
  if (stringAttr(node, 'data_format', 'NHWC') !== 'NHWC') throw new Error(`'${node.name}': only NHWC graphs are supported`);
  const strides = intListAttr(node, 'strides') ?? [1, 1, 1, 1];
  const dilations = intListAttr(node, 'dilations') ?? [1, 1, 1, 1];
  const padding = stringAttr(node, 'padding', 'VALID');
  const attrs: Record<string, OnnxAttribute> = {
    kernel_shape: { ints: [kh, kw] },
    strides: { ints: [dimAt(strides, 1), dimAt(strides, 2)] },
  };
  if (dimAt(dilations, 1) !== 1 || dimAt(dilations, 2) !== 1) {
    attrs['dilations'] = { ints: [dimAt(dilations, 1), dimAt(dilations, 2)] };
  }
  if (padding === 'SAME') {
    // TF's SAME puts the odd padding pixel at the end (bottom/right), which is ONNX's SAME_UPPER.
    attrs['auto_pad'] = { string: 'SAME_UPPER' };
  } else if (padding === 'EXPLICIT') {
    const p = intListAttr(node, 'explicit_paddings');
    if (!p) throw new Error(`'${node.name}': EXPLICIT padding without explicit_paddings`);
    // tf: [N0,N1, H0,H1, W0,W1, C0,C1] → ONNX: [H0, W0, H1, W1]
    attrs['pads'] = { ints: [dimAt(p, 2), dimAt(p, 4), dimAt(p, 3), dimAt(p, 5)] };
  } else if (padding === 'VALID') {
    attrs['pads'] = { ints: [0, 0, 0, 0] };
  } else {
    throw new Error(`'${node.name}': unsupported padding ${padding}`);
  }
  return attrs;
}

export const conv2d: OpHandler = (node, inputs, ctx) => {
  const depthwise = node.op.includes('Depthwise');
  const x = ctx.live(inputAt(node, inputs, 0), 'nchw');
  const w = ctx.weight(inputAt(node, inputs, 1));
  const [kh, kw, cin, cout] = w.shape;
  if (kh === undefined || kw === undefined || cin === undefined || cout === undefined) {
    throw new Error(`'${node.name}': filter must be 4-D, got [${w.shape.join(',')}]`);
  }
  const attrs = windowAttributes(node, kh, kw);
  let weightName: string;
  if (depthwise) {
    // tf [kh,kw,C,M] → ONNX grouped conv [C*M,1,kh,kw]; output channel c*M+m matches tf's ordering.
    const t = transposeArray(w.data, w.shape, [2, 3, 0, 1]);
    weightName = ctx.builder.initializer(`${node.name}_w`, t.data, [cin * cout, 1, kh, kw]);
    attrs['group'] = { int: cin };
  } else {
    // tf HWIO → ONNX OIHW
    const t = transposeArray(w.data, w.shape, [3, 2, 0, 1]);
    weightName = ctx.builder.initializer(`${node.name}_w`, t.data, t.shape);
  }
  const convInputs = [x, weightName];
  const fused = stringListAttr(node, 'fused_ops');
  let activation: string | undefined;
  let alpha: string | undefined;
  if (fused.length > 0) {
    if (fused[0] !== 'BiasAdd') throw new Error(`'${node.name}': unsupported fused_ops ${fused.join('+')}`);
    convInputs.push(ctx.constant(inputAt(node, inputs, 2), 'tf', 1));
    activation = fused[1];
    if (activation === 'Prelu') alpha = ctx.constant(inputAt(node, inputs, 3), 'nchw', 4);
  }
  const y = ctx.builder.node('Conv', convInputs, attrs, 'conv');
  ctx.define(node.name, { onnx: applyActivation(ctx, y, activation, node, alpha), layout: 'nchw', rank: 4 });
};

export const pool: OpHandler = (node, inputs, ctx) => {
  const x = ctx.live(inputAt(node, inputs, 0), 'nchw');
  const k = intListAttr(node, 'ksize');
  if (!k) throw new Error(`'${node.name}': pool without ksize`);
  // AveragePool's default count_include_pad=0 matches tf, which averages only over real pixels.
  const op = node.op === 'MaxPool' ? 'MaxPool' : 'AveragePool';
  const y = ctx.builder.node(op, [x], windowAttributes(node, dimAt(k, 1), dimAt(k, 2)), 'pool');
  ctx.define(node.name, { onnx: y, layout: 'nchw', rank: 4 });
};
