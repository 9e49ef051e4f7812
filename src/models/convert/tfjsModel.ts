// The parts of a tfjs graph model (model.json + .bin shards) that the converter reads, validated with zod
// so that a malformed or unexpected file fails with a message instead of an undefined deep in the converter.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { decodeWeights, type WeightMap } from './decodeWeights.js';

const intLike = z.union([z.number(), z.string()]).transform(Number);

const TfAttrSchema = z.looseObject({
  /** Strings are base64 in model.json. */
  s: z.string().optional(),
  i: intLike.optional(),
  f: z.union([z.number(), z.string()]).transform(Number).optional(),
  b: z.boolean().optional(),
  type: z.string().optional(),
  list: z
    .looseObject({
      i: z.array(intLike).optional(),
      s: z.array(z.string()).optional(),
      f: z.array(z.number()).optional(),
    })
    .optional(),
  shape: z
    .looseObject({ dim: z.array(z.looseObject({ size: intLike })).optional(), unknownRank: z.boolean().optional() })
    .optional(),
});

const TfNodeSchema = z.looseObject({
  name: z.string().min(1),
  op: z.string().min(1),
  input: z.array(z.string()).optional(),
  attr: z.record(z.string(), TfAttrSchema).optional(),
});

const WeightSpecSchema = z.looseObject({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.enum(['float32', 'int32', 'bool']),
  quantization: z
    .looseObject({
      dtype: z.enum(['uint8', 'uint16', 'float16']),
      scale: z.number().optional(),
      min: z.number().optional(),
    })
    .optional(),
});

export const WeightGroupSchema = z.looseObject({ paths: z.array(z.string().min(1)), weights: z.array(WeightSpecSchema) });

const SignatureTensorSchema = z.looseObject({
  name: z.string().min(1),
  tensorShape: z.looseObject({ dim: z.array(z.looseObject({ size: intLike })).optional() }).optional(),
});

const SignatureSchema = z.looseObject({
  inputs: z.record(z.string(), SignatureTensorSchema).optional(),
  outputs: z.record(z.string(), SignatureTensorSchema).optional(),
});

export const TfjsModelJsonSchema = z.looseObject({
  format: z.string().optional(),
  generatedBy: z.string().optional(),
  convertedBy: z.string().optional(),
  modelTopology: z.looseObject({ node: z.array(TfNodeSchema) }),
  weightsManifest: z.array(WeightGroupSchema),
  signature: SignatureSchema.optional(),
  userDefinedMetadata: z.looseObject({ signature: SignatureSchema.optional() }).optional(),
});

export type TfAttr = z.infer<typeof TfAttrSchema>;
export type TfNode = z.infer<typeof TfNodeSchema>;
export type WeightSpec = z.infer<typeof WeightSpecSchema>;
export type WeightGroup = z.infer<typeof WeightGroupSchema>;
export type TfjsModelJson = z.infer<typeof TfjsModelJsonSchema>;

/** What the converter works on: the node list and every constant's value. */
export interface TfjsGraph {
  name: string;
  nodes: readonly TfNode[];
  weights: WeightMap;
}

export interface SignatureOutput {
  /** Graph tensor name without the ':0' suffix, e.g. 'Identity_2'. */
  tensor: string;
  /** Signature key, e.g. 'output_mesh'. */
  key: string;
  /** -1 for an unknown dimension. */
  shape: number[];
}

export function readTfjsModelJson(jsonPath: string): TfjsModelJson {
  const parsed = TfjsModelJsonSchema.safeParse(JSON.parse(fs.readFileSync(jsonPath, 'utf8')));
  if (!parsed.success) throw new Error(`${jsonPath} is not a tfjs graph model: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** model.json + its .bin shards (paths relative to the json) → graph with decoded weights. */
export function loadTfjsGraph(jsonPath: string): { json: TfjsModelJson; graph: TfjsGraph } {
  const json = readTfjsModelJson(jsonPath);
  const dir = path.dirname(jsonPath);
  const buffers = json.weightsManifest.map((group) =>
    Buffer.concat(group.paths.map((p) => fs.readFileSync(path.join(dir, p)))),
  );
  const weights = decodeWeights(json.weightsManifest, buffers);
  return { json, graph: { name: path.basename(jsonPath, '.json'), nodes: json.modelTopology.node, weights } };
}

/**
 * The graph's declared outputs. Converters of different tfjs versions put the signature at the top level
 * or under userDefinedMetadata (human's blazeface.json does the latter).
 */
export function signatureOutputs(json: TfjsModelJson): SignatureOutput[] {
  const signature = json.signature ?? json.userDefinedMetadata?.signature;
  return Object.entries(signature?.outputs ?? {}).map(([key, spec]) => ({
    key,
    tensor: spec.name.replace(/:0$/, ''),
    shape: (spec.tensorShape?.dim ?? []).map((d) => d.size),
  }));
}
