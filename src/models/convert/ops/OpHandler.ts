import type { ConversionContext } from '../ConversionContext.js';
import type { TfNode } from '../tfjsModel.js';

/** Converts one tf node: reads its inputs from the context and defines its output there. */
export type OpHandler = (node: TfNode, inputs: readonly string[], ctx: ConversionContext) => void;

/** The i-th data input, or a clear error naming the node (tf graphs from other converters vary). */
export function inputAt(node: TfNode, inputs: readonly string[], i: number): string {
  const name = inputs[i];
  if (name === undefined) throw new Error(`${node.op} '${node.name}' has no input ${i}`);
  return name;
}
