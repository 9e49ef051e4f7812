// MediaPipe BlazeFace, "back" (full-range) model at 256×256, as shipped in @vladmandic/human/models.
// The graph keeps BlazeFace's four heads as four outputs with stable names (the tfjs tensor names,
// Identity..Identity_3, say nothing and converters renumber them). The analyzer binds them by shape
// (src/analyzer/face/BlazeFaceDetector.ts), so one [N,896,17] tensor would only have moved the
// concatenation, not removed it; the description documents the anchor order either way.
import path from 'node:path';
import { convertTfjsGraph } from '../convert/convertTfjsGraph.js';
import { loadTfjsGraph, signatureOutputs, type SignatureOutput } from '../convert/tfjsModel.js';
import type { ModelSpec } from './ModelSpec.js';
import { encodeWithProvenance } from './onnxMetadata.js';

const FILES = ['models/blazeface.json', 'models/blazeface.bin'] as const;
export const BLAZEFACE_SIZE = 256;
/** Anchors per layer: 16×16 cells × 2 anchors (stride 16), then 8×8 cells × 6 anchors (stride 32). */
export const BLAZEFACE_ROWS = { stride16: 512, stride32: 384 } as const;

const KEYPOINTS = 'right eye, left eye, nose tip, mouth centre, right ear tragion, left ear tragion';
const ANCHORS =
  'Anchor order within a layer: y, then x, then anchor; anchor centre (stride·(x+0.5), stride·(y+0.5)) in input pixels ' +
  '(anchor size 1, so offsets are pixels). The full anchor list is stride 16 (512) followed by stride 32 (384) = 896.';

/** The ONNX outputs, in the anchor order a decoder concatenates them. */
const HEADS = [
  { name: 'scores_stride16', rows: BLAZEFACE_ROWS.stride16, width: 1, stride: 16 },
  { name: 'regressors_stride16', rows: BLAZEFACE_ROWS.stride16, width: 16, stride: 16 },
  { name: 'scores_stride32', rows: BLAZEFACE_ROWS.stride32, width: 1, stride: 32 },
  { name: 'regressors_stride32', rows: BLAZEFACE_ROWS.stride32, width: 16, stride: 32 },
] as const;

function headDescription(head: (typeof HEADS)[number]): string {
  const layer = head.stride === 16 ? 'stride-16 layer (16×16 cells, 2 anchors each)' : 'stride-32 layer (8×8 cells, 6 anchors each)';
  if (head.width === 1) return `face score logits for the ${layer}; probability = sigmoid(logit). ${ANCHORS}`;
  return (
    `box and keypoint regressors for the ${layer}, in 256-px input pixels: [0..1] box centre offset (dx, dy) from the ` +
    `anchor centre, [2..3] box width, height, [4..15] six keypoints as (dx, dy) offsets from the anchor centre: ${KEYPOINTS} ` +
    `("right" = the subject's right, on the image's left in an unmirrored frame). Not decoded, no NMS. ${ANCHORS}`
  );
}

/** Picks a signature output by its shape rather than by tensor name, which converters renumber. */
function byShape(outputs: readonly SignatureOutput[], rows: number, cols: number): string {
  const found = outputs.filter((o) => o.shape.at(-2) === rows && o.shape.at(-1) === cols);
  const first = found[0];
  if (found.length !== 1 || !first) throw new Error(`blazeface.json: expected one output of shape [1,${rows},${cols}], found ${found.length}`);
  return first.tensor;
}

export const blazefaceSpec: ModelSpec = {
  id: 'blazeface',
  sourcePackage: '@vladmandic/human',
  sourceFiles: FILES,

  convert(pkg) {
    const { json, graph } = loadTfjsGraph(path.join(pkg.dir, FILES[0]));
    const outs = signatureOutputs(json);
    const conv = convertTfjsGraph(graph, { dynamicBatch: true, inputNames: { input: 'image' } });
    for (const head of HEADS) {
      conv.builder.output(head.name, conv.tensor(byShape(outs, head.rows, head.width)), ['N', head.rows, head.width]);
    }
    return { bytes: encodeWithProvenance(conv.builder, 'blazeface', pkg, FILES), nodeCount: conv.builder.nodeCount };
  },

  describe(pkg) {
    return {
      inputs: [
        {
          name: 'image',
          shape: ['N', BLAZEFACE_SIZE, BLAZEFACE_SIZE, 3],
          dtype: 'float32',
          description: 'whole frame, letterboxed to a square and resized to 256×256, RGB scaled to [-1, 1] (see preprocessing)',
        },
      ],
      outputs: HEADS.map((head) => ({
        name: head.name,
        shape: ['N', head.rows, head.width],
        dtype: 'float32' as const,
        description: headDescription(head),
      })),
      preprocessing: {
        input: 'image',
        size: { width: BLAZEFACE_SIZE, height: BLAZEFACE_SIZE },
        layout: 'NHWC',
        colourOrder: 'RGB',
        dtype: 'float32',
        scaling: 'x / 127.5 - 1 (0..255 → [-1, 1]); done by the caller, not inside the model',
        crop:
          'the whole frame, letterboxed: pad the shorter side with black (0 before scaling, i.e. -1 after) equally on both sides ' +
          'to a square of side max(width, height), then resize bilinearly to 256×256. Map a point back with ' +
          'p_image = p_256 · side / 256 − padding offset. (human does the same with config.face.detector.square; without it, it stretches.)',
        resize: 'bilinear (tf.image.resizeBilinear, alignCorners=false, halfPixelCenters=false, as human does)',
        normalisationInsideModel: false,
        reference: `${pkg.name}@${pkg.version} src/face/blazeface.ts getBoxes() and facemeshutil.ts generateAnchors(256)`,
      },
      provenance: {
        status: 'pretrained',
        source: `npm ${pkg.name}@${pkg.version} ${FILES.join(' + ')} (MediaPipe BlazeFace back/full-range model)`,
        licence: `${pkg.licence} (npm package); weights: Google MediaPipe, Apache-2.0`,
        notes:
          'converted by affectcast tfjs→ONNX (opset 13); batch made dynamic (the tfjs graph fixes it to 1); outputs renamed by ' +
          'role (tfjs: Identity = scores_stride16, Identity_2 = regressors_stride16, Identity_1 = scores_stride32, Identity_3 = ' +
          'regressors_stride32, matched by shape); equals tfjs-converter on the cpu backend within 1e-4 (test/unit/models).',
      },
    };
  },
};
