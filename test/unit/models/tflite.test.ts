// The vendored MediaPipe bundle: the pinned sha256 is enforced before anything is parsed, the zip and
// TFLite readers refuse malformed bytes with clear errors, and the reader sees the models the bundle holds.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { AffectcastError } from '../../../src/contracts/errors.js';
import { silentLogger } from '../../../src/log/logger.js';
import { buildModels } from '../../../src/models/buildModels.js';
import { sha256Bytes } from '../../../src/models/sha256.js';
import { facemeshV2Spec } from '../../../src/models/specs/facemeshV2.js';
import {
  BUNDLE_MEMBERS,
  FACE_LANDMARKER_SHA256,
  bundleSource,
  defaultBundlePath,
  readBundleBytes,
  readBundleMember,
} from '../../../src/models/tflite/faceLandmarkerBundle.js';
import { readTflite } from '../../../src/models/tflite/tfliteModel.js';
import { readZipMembers } from '../../../src/models/tflite/zipMembers.js';

const temps: string[] = [];
const tempDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-bundle-'));
  temps.push(d);
  return d;
};
after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function expectCode(fn: () => unknown, code: string, ...mentions: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AffectcastError, `expected AffectcastError, got ${String(err)}`);
    assert.equal(err.code, code);
    for (const m of mentions) assert.ok(err.message.includes(m), `message should mention ${m}: ${err.message}`);
    return true;
  });
}

describe('MediaPipe bundle pinning', () => {
  it('the shipped bundle has the pinned sha256 (the hash MediaPipe publishes for face_landmarker/float16/1)', () => {
    const bytes = readBundleBytes();
    assert.equal(bytes.length, 3_758_596);
    assert.equal(sha256Bytes(bytes), '64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff');
    assert.equal(FACE_LANDMARKER_SHA256, sha256Bytes(bytes));
  });

  it('refuses other bytes with MODEL_CHECKSUM naming both hashes, and a missing file with MODEL_MISSING', () => {
    const dir = tempDir();
    const file = path.join(dir, 'face_landmarker.task');
    const bytes = Buffer.from(fs.readFileSync(defaultBundlePath()));
    bytes[1000] = (bytes[1000] ?? 0) ^ 0x01; // one bit inside the detector's weights
    fs.writeFileSync(file, bytes);
    expectCode(() => readBundleBytes(file), 'MODEL_CHECKSUM', FACE_LANDMARKER_SHA256, sha256Bytes(bytes), file);
    expectCode(() => readBundleMember(BUNDLE_MEMBERS.landmarks, file), 'MODEL_CHECKSUM');
    expectCode(() => readBundleBytes(path.join(dir, 'absent.task')), 'MODEL_MISSING', 'absent.task');
  });

  it('models build refuses to convert from a tampered bundle', async () => {
    const dir = tempDir();
    const tampered = Buffer.from(fs.readFileSync(defaultBundlePath()));
    tampered[tampered.length - 100] = (tampered[tampered.length - 100] ?? 0) ^ 0xff;
    fs.writeFileSync(path.join(dir, 'face_landmarker.task'), tampered);
    const spec = { ...facemeshV2Spec, id: 'tampered-mesh', resolveSource: () => bundleSource(path.join(dir, 'face_landmarker.task')) };
    assert.throws(() => spec.convert(spec.resolveSource()), (err: unknown) => err instanceof AffectcastError && err.code === 'MODEL_CHECKSUM');
    // and the real build reports the code unchanged (not as INTERNAL)
    const out = tempDir();
    const built = await buildModels(out, silentLogger(), { only: ['mediapipe-blendshapes'] });
    assert.equal(built[0]?.action, 'converted');
  });
});

describe('zip and TFLite readers', () => {
  it('lists the bundle\'s four members with their published sizes', () => {
    const members = readZipMembers(readBundleBytes());
    assert.deepEqual(
      [...members].map(([name, data]) => [name, data.length]).sort(),
      [
        ['face_blendshapes.tflite', 955_312],
        ['face_detector.tflite', 229_746],
        ['face_landmarks_detector.tflite', 2_553_590],
        ['geometry_pipeline_metadata_landmarks.binarypb', 19_376],
      ],
    );
    assert.equal(sha256Bytes(members.get(BUNDLE_MEMBERS.blendshapes)!), '4f36dded049db18d76048567439b2a7f58f1daabc00d78bfe8f3ad396a2d2082');
  });

  it('reads the FaceMesh V2 and blendshape graphs: inputs, outputs and the operators the converter handles', () => {
    const mesh = readTflite(readBundleMember(BUNDLE_MEMBERS.landmarks));
    assert.deepEqual(mesh.inputs.map((i) => mesh.tensors[i]?.shape), [[1, 256, 256, 3]]);
    assert.deepEqual(mesh.outputs.map((i) => mesh.tensors[i]?.shape), [[1, 1, 1, 1434], [1, 1, 1, 1], [1, 1]]);
    const ops = new Set(mesh.operators.map((o) => o.builtin));
    // CONV_2D 3, DEPTHWISE_CONV_2D 4, DEQUANTIZE 6, LOGISTIC 14, MAX_POOL_2D 17, RESHAPE 22, PAD 34, PRELU 54, ADD 0
    assert.deepEqual([...ops].sort((a, b) => a - b), [0, 3, 4, 6, 14, 17, 22, 34, 54]);
    const bs = readTflite(readBundleMember(BUNDLE_MEMBERS.blendshapes));
    assert.deepEqual(bs.inputs.map((i) => bs.tensors[i]?.shape), [[1, 146, 2]]);
    assert.deepEqual(bs.outputs.map((i) => bs.tensors[i]?.shape), [[52]]);
  });

  it('refuses bytes that are not a zip or not a TFLite model', () => {
    assert.throws(() => readZipMembers(Buffer.from('not a zip at all, just text')), /not a readable zip archive/);
    const truncated = readBundleBytes().subarray(0, 500_000);
    assert.throws(() => readZipMembers(Buffer.from(truncated)), /not a readable zip archive/);
    assert.throws(() => readTflite(new Uint8Array(4)), /not a TFLite model/);
    assert.throws(() => readTflite(readBundleBytes().subarray(0, 64)), /not a TFLite model/);
  });
});
