// tfjs graph → ONNX graph (opset 13). Handles the conv-net subset the face models use; an unsupported op
// is an error, never a silent approximation. The caller picks the outputs (and may add nodes after them,
// e.g. BlazeFace's concatenation) through the returned TfjsConversion, then encodes.
import { ConversionContext, type ConversionOptions } from './ConversionContext.js';
import { OnnxGraphBuilder, type OnnxDim } from './OnnxGraphBuilder.js';
import { OP_HANDLERS } from './ops/index.js';
import { dataInputs, shapeAttr } from './tfAttributes.js';
import type { TfjsGraph } from './tfjsModel.js';

/** tf ops that only forward their input. */
const PASS_THROUGH = new Set(['Identity', 'StopGradient', 'Snapshot']);

export interface TfjsConversion {
  readonly builder: OnnxGraphBuilder;
  /** ONNX name of a converted tf tensor in tf's own layout (NHWC for rank 4), ready to be an output. */
  tensor(tfName: string): string;
  rank(tfName: string): number;
}

export function convertTfjsGraph(graph: TfjsGraph, options: ConversionOptions): TfjsConversion {
  const builder = new OnnxGraphBuilder();
  const ctx = new ConversionContext(builder, graph.weights, options);
  for (const node of graph.nodes) {
    const inputs = dataInputs(node);
    if (node.op === 'Const') {
      ctx.define(node.name, { onnx: undefined, layout: 'tf', rank: ctx.weight(node.name).shape.length });
    } else if (node.op === 'Placeholder') {
      const dtype = node.attr?.['dtype']?.type;
      // Graph inputs are declared float32; an integer input would need its own ValueInfo type.
      if (dtype !== undefined && dtype !== 'DT_FLOAT') throw new Error(`input '${node.name}' is ${dtype}; only float inputs are supported`);
      const dims = shapeAttr(node, 'shape');
      if (!dims) throw new Error(`input '${node.name}' has no static shape; give the graph one before converting`);
      const onnxDims: OnnxDim[] = dims.map((d, i) => (i === 0 && (d < 0 || options.dynamicBatch) ? 'N' : d < 0 ? `d${i}` : d));
      const name = builder.input(options.inputNames[node.name] ?? node.name, onnxDims);
      ctx.define(node.name, { onnx: name, layout: 'tf', rank: dims.length });
    } else if (PASS_THROUGH.has(node.op)) {
      const source = inputs[0];
      if (source === undefined) throw new Error(`${node.op} '${node.name}' has no input`);
      ctx.define(node.name, ctx.ref(source));
    } else {
      const handler = OP_HANDLERS.get(node.op);
      if (!handler) throw new Error(`unsupported tf op ${node.op} ('${node.name}')`);
      handler(node, inputs, ctx);
    }
  }
  return {
    builder,
    tensor: (tfName) => ctx.live(tfName, 'tf'),
    rank: (tfName) => ctx.ref(tfName).rank,
  };
}
