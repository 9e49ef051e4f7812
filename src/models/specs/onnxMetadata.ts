import { CONVERTER_NAME, CONVERTER_VERSION } from '../convert/version.js';
import type { OnnxGraphBuilder } from '../convert/OnnxGraphBuilder.js';
import type { ResolvedPackage } from '../packages.js';

/** Encodes with provenance in metadata_props, so a stray .onnx file still says where it came from. */
export function encodeWithProvenance(
  builder: OnnxGraphBuilder,
  graphName: string,
  pkg: ResolvedPackage,
  files: readonly string[],
  extra: Record<string, string> = {},
): Uint8Array {
  return builder.encode({
    graphName,
    producer: CONVERTER_NAME,
    producerVersion: String(CONVERTER_VERSION),
    metadata: { source: `npm ${pkg.name}@${pkg.version} ${files.join(' + ')}`, licence: pkg.licence, ...extra },
  });
}
