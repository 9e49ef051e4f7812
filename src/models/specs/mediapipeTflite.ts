// Shared parts of the two specs converted from the vendored MediaPipe Face Landmarker bundle.
import { CONVERTER_VERSION, TFLITE_CONVERTER_NAME } from '../convert/version.js';
import type { OnnxGraphBuilder } from '../convert/OnnxGraphBuilder.js';
import { BUNDLE_DIR, BUNDLE_FILE, FACE_LANDMARKER_SHA256, bundleSource, readBundleMember } from '../tflite/faceLandmarkerBundle.js';
import { readTflite, type TfliteGraph } from '../tflite/tfliteModel.js';
import type { ResolvedPackage } from '../packages.js';
import type { ModelSpec } from './ModelSpec.js';

/** The fields every spec of a bundle member shares: where its bytes come from and which converter reads them. */
export function bundleMemberSpec(id: string, member: string): Pick<ModelSpec, 'id' | 'sourcePackage' | 'sourceFiles' | 'converter' | 'resolveSource'> {
  return { id, sourcePackage: 'models/vendor/mediapipe', sourceFiles: [member], converter: TFLITE_CONVERTER_NAME, resolveSource: () => bundleSource() };
}

export function bundleMemberGraph(pkg: ResolvedPackage, member: string): TfliteGraph {
  return readTflite(readBundleMember(member, `${pkg.dir}/${BUNDLE_FILE}`));
}

export const bundleSourceText = (member: string): string =>
  `${BUNDLE_DIR}/${BUNDLE_FILE} (MediaPipe Face Landmarker float16/1, sha256 ${FACE_LANDMARKER_SHA256.slice(0, 16)}…) member ${member}`;

export function encodeBundleModel(builder: OnnxGraphBuilder, graphName: string, pkg: ResolvedPackage, member: string): Uint8Array {
  return builder.encode({
    graphName,
    producer: TFLITE_CONVERTER_NAME,
    producerVersion: String(CONVERTER_VERSION),
    metadata: { source: bundleSourceText(member), licence: pkg.licence },
  });
}
