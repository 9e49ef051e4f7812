// MediaPipe FaceMesh (468 landmarks) at 192×192, as shipped in @vladmandic/human/models.
import path from 'node:path';
import { convertTfjsGraph } from '../convert/convertTfjsGraph.js';
import { loadTfjsGraph, signatureOutputs } from '../convert/tfjsModel.js';
import type { ModelSpec } from './ModelSpec.js';
import { encodeWithProvenance } from './onnxMetadata.js';

const FILES = ['models/facemesh.json', 'models/facemesh.bin'] as const;
export const FACEMESH_SIZE = 192;

/** Signature key → ONNX output name and width. MediaPipe's names, without the 'output_' prefix. */
const OUTPUTS = [
  { key: 'output_mesh', name: 'mesh', width: 1404 },
  { key: 'output_faceflag', name: 'faceflag', width: 1 },
  { key: 'output_contours', name: 'contours', width: 266 },
] as const;

export const facemeshSpec: ModelSpec = {
  id: 'facemesh',
  sourcePackage: '@vladmandic/human',
  sourceFiles: FILES,

  convert(pkg) {
    const { json, graph } = loadTfjsGraph(path.join(pkg.dir, FILES[0]));
    const signature = signatureOutputs(json);
    const conv = convertTfjsGraph(graph, { dynamicBatch: true, inputNames: { input_1: 'image' } });
    for (const out of OUTPUTS) {
      const s = signature.find((o) => o.key === out.key);
      if (!s || s.shape.at(-1) !== out.width) throw new Error(`facemesh.json: no signature output ${out.key} of width ${out.width}`);
      conv.builder.output(out.name, conv.tensor(s.tensor), ['N', out.width]);
    }
    return { bytes: encodeWithProvenance(conv.builder, 'facemesh', pkg, FILES), nodeCount: conv.builder.nodeCount };
  },

  describe(pkg) {
    return {
      inputs: [
        {
          name: 'image',
          shape: ['N', FACEMESH_SIZE, FACEMESH_SIZE, 3],
          dtype: 'float32',
          description: 'square face crop resized to 192×192, RGB scaled to [0, 1] (see preprocessing)',
        },
      ],
      outputs: [
        {
          name: 'mesh',
          shape: ['N', 1404],
          dtype: 'float32',
          description:
            '468 landmarks × (x, y, z), flattened point-major. x, y in input pixels (0..192, origin top-left); z is relative depth in ' +
            'the same pixel scale. Map to the frame with p = box_centre + (p_192 − 96) · box_size / 192 (human facemeshutil.ts transformRawCoords).',
        },
        {
          name: 'faceflag',
          shape: ['N', 1],
          dtype: 'float32',
          description: 'probability that the crop holds a face (sigmoid already applied inside the model); human rejects a mesh below its minConfidence',
        },
        {
          name: 'contours',
          shape: ['N', 266],
          dtype: 'float32',
          description: '133 × (x, y) contour points in input pixels; human leaves this output unused',
        },
      ],
      preprocessing: {
        input: 'image',
        size: { width: FACEMESH_SIZE, height: FACEMESH_SIZE },
        layout: 'NHWC',
        colourOrder: 'RGB',
        dtype: 'float32',
        scaling: 'x / 255 (0..255 → [0, 1]); done by the caller, not inside the model',
        crop:
          'square box around the face: BlazeFace box enlarged 1.4× about its centre (human config.face.detector.scale; ' +
          "MediaPipe's own graph uses 1.5), side max(w, h), rotated so that the line between the eyes is horizontal, as " +
          "MediaPipe's face landmark graph crops its training and inference inputs (human does the same with detector.rotation " +
          'on). Pixels outside the frame are 0. Landmarks map back through the inverse of the same rotation and scale.',
        resize:
          'bilinear, tf.image.cropAndResize(frame, [[y0/H, x0/W, y1/H, x1/W]], [0], [192, 192]) as in human facemeshutil.ts cutAndResize',
        normalisationInsideModel: false,
        reference: `${pkg.name}@${pkg.version} src/face/facemesh.ts predict() and src/face/facemeshutil.ts`,
      },
      provenance: {
        status: 'pretrained',
        source: `npm ${pkg.name}@${pkg.version} ${FILES.join(' + ')} (MediaPipe FaceMesh)`,
        licence: `${pkg.licence} (npm package); weights: Google MediaPipe, Apache-2.0`,
        notes:
          'converted by affectcast tfjs→ONNX (opset 13), float16 weights expanded to float32; equals tfjs-converter on the cpu ' +
          'backend within 1e-4 (test/unit/models).',
      },
    };
  },
};
