// The parts of the KServe v2 (Open Inference) protocol over HTTP/JSON that the client uses, with the
// binary tensor data extension: every answer from the server is untrusted and parsed by these schemas.
import { z } from 'zod';

/** Server metadata (GET /v2); Triton lists 'binary_tensor_data' among its extensions. */
export const ServerMetadataSchema = z.object({
  name: z.string(),
  version: z.string().optional(),
  extensions: z.array(z.string()).default([]),
});

/** The extension that lets tensors travel as raw little-endian bytes after the JSON header. */
export const BINARY_TENSOR_EXTENSION = 'binary_tensor_data';

/** A variable dimension in model metadata. */
export const VARIABLE_DIM = -1;

const TensorMetadataSchema = z.object({
  name: z.string(),
  datatype: z.string(),
  shape: z.array(z.number().int().min(VARIABLE_DIM)),
});

/** Model metadata (GET /v2/models/{name}). */
export const ModelMetadataSchema = z.object({
  name: z.string(),
  versions: z.array(z.string()).optional(),
  platform: z.string().optional(),
  inputs: z.array(TensorMetadataSchema),
  outputs: z.array(TensorMetadataSchema),
});

const ParametersSchema = z.record(z.string(), z.unknown());

/** One output of an inference response: JSON `data`, or `parameters.binary_data_size` bytes after the header. */
export const ResponseOutputSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  datatype: z.string(),
  parameters: ParametersSchema.optional(),
  /** Row-major values, flat or nested (the protocol allows both); checked to be numbers when read. */
  data: z.array(z.unknown()).optional(),
});

/** The JSON part of an inference response (POST /v2/models/{name}/infer). */
export const InferResponseSchema = z.object({
  // required by the protocol, but the examples in Triton's own text leave it out: not needed to read outputs
  model_name: z.string().optional(),
  model_version: z.string().optional(),
  id: z.string().optional(),
  outputs: z.array(ResponseOutputSchema),
});

/** What a server answers with a 4xx or 5xx. */
export const ErrorResponseSchema = z.object({ error: z.string() });

/** The JSON part of an inference request. */
export interface InferRequestHeader {
  id?: string;
  inputs: Array<{
    name: string;
    shape: number[];
    datatype: 'FP32';
    parameters?: { binary_data_size: number };
    data?: number[];
  }>;
  outputs: Array<{ name: string; parameters: { binary_data: boolean } }>;
}

/** Length of the JSON header in a body that carries binary tensors after it. */
export const HEADER_LENGTH_FIELD = 'inference-header-content-length';

export type ServerMetadata = z.infer<typeof ServerMetadataSchema>;
export type ModelMetadata = z.infer<typeof ModelMetadataSchema>;
export type TensorMetadata = z.infer<typeof TensorMetadataSchema>;
export type ResponseOutput = z.infer<typeof ResponseOutputSchema>;
