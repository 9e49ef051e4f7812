// Tensors to and from KServe v2 bodies. With the binary tensor data extension a body is the JSON header
// followed by each tensor's raw float32 bytes (little-endian, row-major, in the header's order), and the
// header's length travels in the Inference-Header-Content-Length field; without it, values go in JSON.
import os from 'node:os';
import type { ModelManifest } from '../../models/manifest.js';
import { checkDims, type Float32Tensor } from '../InferenceRunner.js';
import { HEADER_LENGTH_FIELD, InferResponseSchema, type InferRequestHeader, type ResponseOutput } from './protocol.js';
import { RemoteInferenceError } from './RemoteInferenceError.js';

const LITTLE_ENDIAN = os.endianness() === 'LE';

export interface EncodedRequest {
  /** The body in pieces (the JSON header, then each tensor's bytes, not copied together). */
  body: Buffer[];
  headers: Record<string, string>;
}

/** Little-endian bytes of a float32 array: a view of the caller's memory where the host is little-endian. */
function float32Bytes(data: Float32Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out = Buffer.allocUnsafe(data.byteLength);
  for (let i = 0; i < data.length; i++) out.writeFloatLE(data[i]!, i * 4);
  return out;
}

/** A float32 array read from little-endian bytes (always a copy: the body's memory is not 4-byte aligned). */
function float32FromBytes(bytes: Buffer): Float32Array {
  const out = new Float32Array(bytes.byteLength / 4);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes);
  else for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

const elements = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** The infer request for `feeds` (every manifest input, already checked by the runner), asking for every manifest output. */
export function encodeInferRequest(manifest: ModelManifest, feeds: Readonly<Record<string, Float32Tensor>>, binary: boolean): EncodedRequest {
  const header: InferRequestHeader = { inputs: [], outputs: manifest.outputs.map((t) => ({ name: t.name, parameters: { binary_data: binary } })) };
  const tensors: Buffer[] = [];
  for (const spec of manifest.inputs) {
    const t = feeds[spec.name];
    if (t === undefined) throw new RangeError(`model '${manifest.id}': missing input '${spec.name}'`);
    if (t.data.length !== elements(t.dims)) {
      throw new RangeError(`model '${manifest.id}': input '${spec.name}' has ${t.data.length} values for dims [${t.dims.join(',')}]`);
    }
    if (binary) {
      const bytes = float32Bytes(t.data);
      header.inputs.push({ name: spec.name, shape: [...t.dims], datatype: 'FP32', parameters: { binary_data_size: bytes.byteLength } });
      tensors.push(bytes);
    } else {
      header.inputs.push({ name: spec.name, shape: [...t.dims], datatype: 'FP32', data: Array.from(t.data) });
    }
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  if (!binary) return { body: [json], headers: { 'content-type': 'application/json' } };
  return {
    body: [json, ...tensors],
    headers: { 'content-type': 'application/octet-stream', [HEADER_LENGTH_FIELD]: String(json.byteLength) },
  };
}

function protocolError(manifest: ModelManifest, message: string): RemoteInferenceError {
  return new RemoteInferenceError('protocol', `model '${manifest.id}': the server's answer ${message}`);
}

/**
 * Every manifest output from an infer response body. `headerLength` is the Inference-Header-Content-Length
 * field (absent: the whole body is JSON). Anything that does not add up is a protocol error.
 */
export function decodeInferResponse(manifest: ModelManifest, body: Buffer, headerLength: string | undefined): Record<string, Float32Tensor> {
  const jsonLength = headerLength === undefined ? body.byteLength : Number(headerLength);
  if (!Number.isInteger(jsonLength) || jsonLength < 0 || jsonLength > body.byteLength) {
    throw protocolError(manifest, `has a header length of '${headerLength}' for a body of ${body.byteLength} bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.subarray(0, jsonLength).toString('utf8'));
  } catch {
    throw protocolError(manifest, 'does not start with a JSON header');
  }
  const header = InferResponseSchema.safeParse(parsed);
  if (!header.success) throw protocolError(manifest, `is not an inference response: ${header.error.issues[0]?.message ?? ''}`);

  // binary sections follow the header in the order of the outputs that declare one
  const sections = new Map<ResponseOutput, Buffer>();
  let offset = jsonLength;
  for (const output of header.data.outputs) {
    const size = output.parameters?.['binary_data_size'];
    if (size === undefined) continue;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || offset + size > body.byteLength) {
      throw protocolError(manifest, `declares ${String(size)} bytes for output '${output.name}' beyond the body's end`);
    }
    sections.set(output, body.subarray(offset, offset + size));
    offset += size;
  }
  if (offset !== body.byteLength) throw protocolError(manifest, `has ${body.byteLength - offset} bytes that no output declares`);

  const result: Record<string, Float32Tensor> = {};
  for (const spec of manifest.outputs) {
    const output = header.data.outputs.find((o) => o.name === spec.name);
    if (output === undefined) throw protocolError(manifest, `lacks output '${spec.name}'`);
    if (output.datatype !== 'FP32') throw protocolError(manifest, `gives output '${spec.name}' as ${output.datatype}, not FP32`);
    try {
      checkDims(spec.name, spec.shape, output.shape);
    } catch (error) {
      throw protocolError(manifest, (error as Error).message);
    }
    const count = elements(output.shape);
    const bytes = sections.get(output);
    let data: Float32Array;
    if (bytes !== undefined) {
      if (bytes.byteLength !== count * 4) throw protocolError(manifest, `sends ${bytes.byteLength} bytes for output '${spec.name}' of ${count} FP32 values`);
      data = float32FromBytes(bytes);
    } else if (output.data !== undefined) {
      const values = output.data.flat(Infinity);
      if (values.length !== count || !values.every((v) => typeof v === 'number')) {
        throw protocolError(manifest, `sends ${values.length} values for output '${spec.name}' of ${count} numbers`);
      }
      data = Float32Array.from(values as number[]);
    } else {
      throw protocolError(manifest, `has no data for output '${spec.name}'`);
    }
    result[spec.name] = { data, dims: output.shape };
  }
  return result;
}
