// The manifest is the contract on the server too: a served model whose tensors differ from the manifest's
// (a missing name, another datatype, a fixed size where the manifest has another, a fixed batch where
// the manifest's is free) is refused before any frame is sent, with every difference named.
import type { ModelManifest, TensorSpec } from '../../models/manifest.js';
import { VARIABLE_DIM, type ModelMetadata, type TensorMetadata } from './protocol.js';

/** The datatype the runner sends and reads; the protocol's name for float32. */
const FP32 = 'FP32';

function shapeFits(spec: TensorSpec, served: readonly number[]): boolean {
  if (served.length !== spec.shape.length) return false;
  // a symbolic manifest dim (the batch) must be variable on the server; a numeric one equal, or variable
  return spec.shape.every((dim, i) => served[i] === VARIABLE_DIM || served[i] === dim);
}

function compareTensor(kind: 'input' | 'output', spec: TensorSpec, served: readonly TensorMetadata[]): string[] {
  const tensor = served.find((t) => t.name === spec.name);
  if (tensor === undefined) return [`${kind} '${spec.name}' is not served`];
  const problems: string[] = [];
  if (tensor.datatype !== FP32) problems.push(`${kind} '${spec.name}' is ${tensor.datatype}, not ${FP32}`);
  if (!shapeFits(spec, tensor.shape)) {
    problems.push(`${kind} '${spec.name}' is served as [${tensor.shape.join(',')}], the manifest says [${spec.shape.join(',')}] (symbolic dims must be ${VARIABLE_DIM})`);
  }
  return problems;
}

/** Every way the served model differs from the manifest; empty when the runner may use it. */
export function modelMetadataProblems(manifest: ModelManifest, metadata: ModelMetadata): string[] {
  const problems = [
    ...manifest.inputs.flatMap((spec) => compareTensor('input', spec, metadata.inputs)),
    ...manifest.outputs.flatMap((spec) => compareTensor('output', spec, metadata.outputs)),
  ];
  // an input the manifest does not know would be left unfed
  for (const t of metadata.inputs) if (!manifest.inputs.some((s) => s.name === t.name)) problems.push(`the server expects an input '${t.name}' the manifest does not have`);
  return problems;
}
