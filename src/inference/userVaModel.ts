// A trained valence/arousal network the user brings: HSEmotion's multi-task EfficientNet-B0
// (enet_b0_8_va_mtl.onnx, by A. Savchenko, trained on AffectNet under a research licence, so it cannot ship
// with affectcast; whether its licence fits their use is the user's call). The file is pinned by the sha256
// its authors published: other bytes are refused unless the user names their sha256 in config
// (models.va.acceptSha256), so a swapped or corrupted file never runs silently. Its shapes are checked by
// running it once on a blank input before any stream sees it.
import fs from 'node:fs/promises';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { AffectcastError } from '../contracts/errors.js';
import type { ModelManifest } from '../models/manifest.js';
import { sha256Bytes } from '../models/sha256.js';
import type { VerifiedModel } from './verifiedModel.js';

export const HSEMOTION_VA = {
  file: 'enet_b0_8_va_mtl.onnx',
  sha256: 'c43e056ad388d4a8dc911832b8291435b2af537f967e5870ebd731574ec7e812',
  inputSize: 224,
  /** ImageNet statistics, on RGB scaled to 0..1 (the network's training preprocessing). */
  mean: [0.485, 0.456, 0.406] as const,
  std: [0.229, 0.224, 0.225] as const,
  /** Output row: 8 expression logits, then valence and arousal (unbounded regressions). */
  labels: ['anger', 'contempt', 'disgust', 'fear', 'happiness', 'neutral', 'sadness', 'surprise', 'valence', 'arousal'] as const,
} as const;

export interface UserVaModelOptions {
  /** Path of the ONNX file (config models.va.file). */
  file: string;
  /** sha256 of a file other than the published one that the user explicitly accepts (config models.va.acceptSha256). */
  acceptSha256?: string | undefined;
}

/** 'hsemotion-<file name>@<sha256 prefix>': names the exact bytes behind every value. */
export function userVaModelId(file: string): string {
  const slug = path.basename(file).replace(/\.onnx$/i, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `hsemotion-${slug || 'va'}`;
}

function refuse(message: string): AffectcastError {
  return new AffectcastError('MODEL_MISSING', `valence/arousal model: ${message}`);
}

/** Reads, pins and shape-checks the user's VA model; returns it as a VerifiedModel with a manifest describing it. */
export async function loadUserVaModel(options: UserVaModelOptions): Promise<VerifiedModel> {
  const file = path.resolve(options.file);
  const bytes = await fs.readFile(file).catch((error: unknown) => {
    throw refuse(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}); see the README on where ${HSEMOTION_VA.file} comes from`);
  });
  const sha256 = sha256Bytes(bytes);
  const accepted = options.acceptSha256?.toLowerCase();
  if (sha256 !== HSEMOTION_VA.sha256 && sha256 !== accepted) {
    throw refuse(
      `${file} has sha256 ${sha256}, not the published ${HSEMOTION_VA.sha256} of ${HSEMOTION_VA.file}. ` +
        'If you mean to run this other file, accept it explicitly with models.va.acceptSha256 set to its sha256.',
    );
  }
  const { input, output } = await probeShapes(file, bytes);
  const manifest: ModelManifest = {
    manifestVersion: 1,
    id: userVaModelId(file),
    version: sha256.slice(0, 12),
    file: path.basename(file),
    sha256,
    bytes: bytes.byteLength,
    inputs: [{ name: input, shape: ['N', 3, HSEMOTION_VA.inputSize, HSEMOTION_VA.inputSize], dtype: 'float32' }],
    outputs: [{ name: output, shape: ['N', HSEMOTION_VA.labels.length], dtype: 'float32', labels: [...HSEMOTION_VA.labels] }],
    preprocessing: { crop: 'face box, resized to 224x224 (aspect not kept)', colour: 'RGB', scale: '1/255', mean: HSEMOTION_VA.mean, std: HSEMOTION_VA.std, layout: 'NCHW' },
    provenance: {
      status: 'pretrained',
      source: `user-supplied ${path.basename(file)} (HSEmotion, A. Savchenko; multi-task EfficientNet-B0 trained on AffectNet)`,
      licence: 'HSEmotion weights: research licence, supplied and accepted by the user',
      ...(sha256 === HSEMOTION_VA.sha256 ? {} : { notes: 'not the published file: accepted by sha256 in config' }),
    },
    createdBy: 'affectcast userVaModel',
  };
  return { manifest, file, bytes };
}

/** Runs the file once on a blank [2,3,224,224] batch: one float input, one [N,10] output, or a clear refusal. */
async function probeShapes(file: string, bytes: Uint8Array): Promise<{ input: string; output: string }> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  } catch (error) {
    throw refuse(`${file} is not a loadable ONNX model (${(error as Error).message})`);
  }
  try {
    const [input] = session.inputNames;
    if (session.inputNames.length !== 1 || input === undefined) throw refuse(`${file} must have one input, it has ${session.inputNames.length}`);
    const size = HSEMOTION_VA.inputSize;
    const dims = [2, 3, size, size];
    let results: ort.InferenceSession.OnnxValueMapType;
    try {
      results = await session.run({ [input]: new ort.Tensor('float32', new Float32Array(2 * 3 * size * size), dims) });
    } catch (error) {
      throw refuse(`${file} does not take an RGB NCHW batch [N,3,${size},${size}] (${(error as Error).message.split('\n')[0]})`);
    }
    const fits = session.outputNames.filter((n) => {
      const t = results[n];
      return t !== undefined && t.type === 'float32' && t.dims.length === 2 && t.dims[0] === 2 && t.dims[1] === HSEMOTION_VA.labels.length;
    });
    const [output] = fits;
    if (fits.length !== 1 || output === undefined) {
      const got = session.outputNames.map((n) => `${n} [${results[n]?.dims.join(',') ?? '?'}]`).join(', ');
      throw refuse(`${file} must give one float output [N,${HSEMOTION_VA.labels.length}] (8 expression logits, valence, arousal); it gives ${got}`);
    }
    return { input, output };
  } finally {
    await session.release();
  }
}
