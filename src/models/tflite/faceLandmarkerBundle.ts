// The vendored MediaPipe Face Landmarker bundle: where it lives in the repository, the one sha256 it may
// have, and its TFLite members. The hash is pinned here (not read from a file beside it) so that swapping
// the bundle cannot also swap the expectation: other bytes are refused before anything is parsed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AffectcastError } from '../../contracts/errors.js';
import type { ResolvedPackage } from '../packages.js';
import { sha256Bytes } from '../sha256.js';
import { readZipMembers } from './zipMembers.js';

export const FACE_LANDMARKER_SHA256 = '64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff';
/** The bundle's published name: face_landmarker/float16/1. Part of every converted model's version. */
export const FACE_LANDMARKER_VERSION = 'float16-1';
export const FACE_LANDMARKER_LICENCE = 'Apache-2.0 (Google MediaPipe; LICENSE and NOTICE.md beside the bundle)';

export const BUNDLE_MEMBERS = {
  landmarks: 'face_landmarks_detector.tflite',
  blendshapes: 'face_blendshapes.tflite',
} as const;

/** Repository-relative folder, named in manifests and errors. */
export const BUNDLE_DIR = 'models/vendor/mediapipe';
export const BUNDLE_FILE = 'face_landmarker.task';

/** The repository root: two levels above src/models/tflite (or dist/models/tflite when compiled). */
function repositoryRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

export function defaultBundlePath(): string {
  return path.join(repositoryRoot(), BUNDLE_DIR, BUNDLE_FILE);
}

/** The bundle as a "source package" for `models build`: its version and licence go into the manifests. */
export function bundleSource(bundlePath: string = defaultBundlePath()): ResolvedPackage {
  return { name: 'mediapipe-face-landmarker', version: FACE_LANDMARKER_VERSION, licence: FACE_LANDMARKER_LICENCE, dir: path.dirname(bundlePath) };
}

/** Bytes of the bundle, refused unless their sha256 is the pinned one. */
export function readBundleBytes(bundlePath: string = defaultBundlePath()): Buffer {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(bundlePath);
  } catch {
    throw new AffectcastError('MODEL_MISSING', `MediaPipe Face Landmarker bundle ${bundlePath} does not exist; it ships in the repository under ${BUNDLE_DIR}`);
  }
  const sha256 = sha256Bytes(bytes);
  if (sha256 !== FACE_LANDMARKER_SHA256) {
    throw new AffectcastError(
      'MODEL_CHECKSUM',
      `MediaPipe Face Landmarker bundle ${bundlePath} is not the pinned file (sha256 ${sha256}, expected ${FACE_LANDMARKER_SHA256}); ` +
        `restore ${BUNDLE_DIR}/${BUNDLE_FILE} from the repository`,
    );
  }
  return bytes;
}

/** One TFLite member of the verified bundle. */
export function readBundleMember(member: string, bundlePath: string = defaultBundlePath()): Buffer {
  const members = readZipMembers(readBundleBytes(bundlePath));
  const data = members.get(member);
  if (!data) throw new AffectcastError('MODEL_MISSING', `MediaPipe bundle ${bundlePath} has no member ${member}`);
  return data;
}
