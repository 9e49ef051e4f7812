// KServe v2 messages byte by byte, as the protocol's text lays them out: a request's JSON header and
// the little-endian float32 sections after it, a response that mixes JSON values and binary sections,
// answers that do not add up, and model metadata against a manifest.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { AffectcastError } from '../../../src/contracts/errors.js';
import { modelMetadataProblems } from '../../../src/inference/kserve/checkModelMetadata.js';
import { RemoteInferenceError } from '../../../src/inference/kserve/RemoteInferenceError.js';
import { decodeInferResponse, encodeInferRequest } from '../../../src/inference/kserve/tensorCodec.js';
import type { ModelManifest } from '../../../src/models/manifest.js';

const manifest: ModelManifest = {
  manifestVersion: 1,
  id: 'tiny',
  version: '1.0.0',
  file: 'tiny.onnx',
  sha256: '0'.repeat(64),
  bytes: 1,
  inputs: [{ name: 'x', shape: ['N', 3], dtype: 'float32' }],
  outputs: [
    { name: 'output0', shape: ['N', 2], dtype: 'float32' },
    { name: 'output1', shape: [2, 2], dtype: 'float32' },
  ],
  preprocessing: {},
  provenance: { status: 'pretrained', source: 'test', licence: 'MIT' },
  createdBy: 'test',
};

function le(values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeFloatLE(v, i * 4));
  return b;
}

/** A response body: this JSON header, then these sections (and the header-length field to send with it). */
function response(header: object, ...sections: Buffer[]): { body: Buffer; length: string } {
  const json = Buffer.from(JSON.stringify(header));
  return { body: Buffer.concat([json, ...sections]), length: String(json.byteLength) };
}

describe('requests', () => {
  const x = { data: Float32Array.from([1, 2, 3, -1, 0, 4.5]), dims: [2, 3] };

  it('binary: the JSON header names each tensor and its byte size, the values follow little-endian', () => {
    const encoded = encodeInferRequest(manifest, { x }, true);
    const [body, headers] = [Buffer.concat(encoded.body), encoded.headers];
    const jsonLength = Number(headers['inference-header-content-length']);
    assert.deepEqual(JSON.parse(body.subarray(0, jsonLength).toString()), {
      inputs: [{ name: 'x', shape: [2, 3], datatype: 'FP32', parameters: { binary_data_size: 24 } }],
      outputs: [
        { name: 'output0', parameters: { binary_data: true } },
        { name: 'output1', parameters: { binary_data: true } },
      ],
    });
    assert.deepEqual(body.subarray(jsonLength), le([1, 2, 3, -1, 0, 4.5]));
    assert.equal(headers['content-type'], 'application/octet-stream');
  });

  it('binary: a tensor that is a view into a larger buffer sends only its own values', () => {
    const backing = Float32Array.from([9, 9, 1, 2, 3, 4, 5, 6, 9]);
    const { body, headers } = encodeInferRequest(manifest, { x: { data: backing.subarray(2, 8), dims: [2, 3] } }, true);
    assert.deepEqual(Buffer.concat(body).subarray(Number(headers['inference-header-content-length'])), le([1, 2, 3, 4, 5, 6]));
  });

  it('JSON: values in the header, no length field', () => {
    const { body, headers } = encodeInferRequest(manifest, { x }, false);
    assert.equal(headers['inference-header-content-length'], undefined);
    const header = JSON.parse(Buffer.concat(body).toString()) as { inputs: Array<{ data: number[] }>; outputs: Array<{ parameters: object }> };
    assert.deepEqual(header.inputs[0]?.data, [1, 2, 3, -1, 0, 4.5]);
    assert.deepEqual(header.outputs[0]?.parameters, { binary_data: false });
  });

  it('a tensor whose values do not fill its dims is refused before sending', () => {
    assert.throws(() => encodeInferRequest(manifest, { x: { data: new Float32Array(5), dims: [2, 3] } }, true), /5 values for dims \[2,3\]/);
  });
});

describe('responses', () => {
  it('reads JSON values (flat or nested) and binary sections from one body', () => {
    const { body, length } = response(
      {
        outputs: [
          { name: 'output0', shape: [3, 2], datatype: 'FP32', data: [[1.5, 2.5], [3.5, 4.5], [5.5, -6.5]] },
          { name: 'output1', shape: [2, 2], datatype: 'FP32', parameters: { binary_data_size: 16 } },
        ],
      },
      le([0.25, -0.5, 1e-7, 3]),
    );
    const out = decodeInferResponse(manifest, body, length);
    assert.deepEqual(Array.from(out['output0']!.data), [1.5, 2.5, 3.5, 4.5, 5.5, -6.5]);
    assert.deepEqual([...out['output0']!.dims], [3, 2]);
    assert.deepEqual(Array.from(out['output1']!.data), [0.25, -0.5, Math.fround(1e-7), 3]);
  });

  it('a body without the length field is all JSON', () => {
    const { body } = response({
      model_name: 'tiny',
      outputs: [
        { name: 'output0', shape: [1, 2], datatype: 'FP32', data: [1, 2] },
        { name: 'output1', shape: [2, 2], datatype: 'FP32', data: [3, 4, 5, 6] },
      ],
    });
    assert.deepEqual(Array.from(decodeInferResponse(manifest, body, undefined)['output1']!.data), [3, 4, 5, 6]);
  });

  const ok0 = { name: 'output0', shape: [1, 2], datatype: 'FP32', data: [1, 2] };
  const bad: Array<[string, { body: Buffer; length: string | undefined }, RegExp]> = [
    ['a header length past the body', { body: Buffer.from('{}'), length: '99' }, /header length of '99'/],
    ['a body that is not JSON', { body: Buffer.from('<html>'), length: undefined }, /JSON header/],
    ['a section past the body', response({ outputs: [ok0, { name: 'output1', shape: [2, 2], datatype: 'FP32', parameters: { binary_data_size: 16 } }] }, le([1])), /beyond the body's end/],
    ['bytes no output declares', response({ outputs: [ok0, { name: 'output1', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3, 4] }] }, le([1])), /4 bytes that no output declares/],
    ['a missing output', response({ outputs: [ok0] }), /lacks output 'output1'/],
    ['another datatype', response({ outputs: [ok0, { name: 'output1', shape: [2, 2], datatype: 'FP64', data: [1, 2, 3, 4] }] }), /as FP64, not FP32/],
    ['dims the manifest does not allow', response({ outputs: [ok0, { name: 'output1', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] }] }), /manifest says \[2,2\]/],
    ['too few values', response({ outputs: [ok0, { name: 'output1', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3] }] }), /3 values for output 'output1' of 4/],
    ['a section of the wrong size', response({ outputs: [ok0, { name: 'output1', shape: [2, 2], datatype: 'FP32', parameters: { binary_data_size: 8 } }] }, le([1, 2])), /8 bytes for output 'output1' of 4/],
  ];
  for (const [what, { body, length }, pattern] of bad) {
    it(`refuses ${what} as a protocol error`, () => {
      assert.throws(
        () => decodeInferResponse(manifest, body, length),
        (e: unknown) => e instanceof RemoteInferenceError && e.kind === 'protocol' && !e.retryable && pattern.test(e.message),
      );
    });
  }
});

describe('model metadata against the manifest', () => {
  const served = {
    name: 'tiny',
    inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 3] }],
    outputs: [
      { name: 'output0', datatype: 'FP32', shape: [-1, 2] },
      { name: 'output1', datatype: 'FP32', shape: [2, -1] },
      { name: 'extra', datatype: 'INT64', shape: [1] },
    ],
  };

  it('accepts variable dims and extra outputs', () => {
    assert.deepEqual(modelMetadataProblems(manifest, served), []);
  });

  it('names every difference', () => {
    const problems = modelMetadataProblems(manifest, {
      ...served,
      inputs: [
        { name: 'x', datatype: 'FP16', shape: [-1, 3, 1] },
        { name: 'mask', datatype: 'FP32', shape: [-1] },
      ],
      outputs: [{ name: 'output1', datatype: 'FP32', shape: [4, 2] }],
    });
    assert.deepEqual(problems, [
      "input 'x' is FP16, not FP32",
      "input 'x' is served as [-1,3,1], the manifest says [N,3] (symbolic dims must be -1)",
      "output 'output0' is not served",
      "output 'output1' is served as [4,2], the manifest says [2,2] (symbolic dims must be -1)",
      "the server expects an input 'mask' the manifest does not have",
    ]);
  });
});

describe('config inference.remote', () => {
  it('is off by default, and takes its defaults from one URL (file or environment)', () => {
    assert.equal(loadConfig({}, {}).inference.remote, undefined);
    const remote = loadConfig({}, { AFFECTCAST_INFERENCE_URL: 'https://infer.example.internal/triton' }).inference.remote;
    assert.deepEqual(remote, { url: 'https://infer.example.internal/triton', timeoutMs: 1000, retries: 2, retryBackoffMs: 50, probeIntervalMs: 5000 });
  });

  it('refuses a URL that is not http or https', () => {
    for (const env of [{ AFFECTCAST_INFERENCE_URL: 'grpc://10.0.0.5:8001' }, { AFFECTCAST_INFERENCE_URL: 'not a url' }]) {
      assert.throws(() => loadConfig({}, env), (e: unknown) => e instanceof AffectcastError && e.code === 'CONFIG_INVALID' && /inference\.remote\.url/.test(e.message));
    }
  });
});
