// face-api.js FaceExpressionNet (7 classes) with its normalisation inside and its output permuted into the
// paper's label order, so `expressions[:, i]` is EXPRESSIONS[i] with no table on the consumer's side.
import path from 'node:path';
import { EXPRESSIONS } from '../../contracts/labels.js';
import { convertTfjsGraph } from '../convert/convertTfjsGraph.js';
import {
  EXPRESSION_INPUT,
  EXPRESSION_OUTPUT,
  FACEAPI_EXPRESSION_FILES,
  FACEAPI_INPUT_SIZE,
  FACEAPI_MEAN_RGB,
  faceApiExpressionGraph,
} from '../faceapi/expressionNetGraph.js';
import { FACEAPI_EXPRESSION_LABELS } from '../faceapi/labelOrder.js';
import type { ModelSpec } from './ModelSpec.js';
import { encodeWithProvenance } from './onnxMetadata.js';

const FILES = FACEAPI_EXPRESSION_FILES.map((f) => `model/${f}`);

export const faceApiExpressionSpec: ModelSpec = {
  id: 'faceapi-expression',
  sourcePackage: '@vladmandic/face-api',
  sourceFiles: FILES,

  convert(pkg) {
    const graph = faceApiExpressionGraph(path.join(pkg.dir, 'model'));
    const conv = convertTfjsGraph(graph, { dynamicBatch: true, inputNames: { [EXPRESSION_INPUT]: 'image' } });
    conv.builder.output(EXPRESSION_OUTPUT, conv.tensor(EXPRESSION_OUTPUT), ['N', EXPRESSIONS.length]);
    const bytes = encodeWithProvenance(conv.builder, 'faceapi_expression', pkg, FILES, { labels: EXPRESSIONS.join(',') });
    return { bytes, nodeCount: conv.builder.nodeCount };
  },

  describe(pkg) {
    return {
      inputs: [
        {
          name: 'image',
          shape: ['N', FACEAPI_INPUT_SIZE, FACEAPI_INPUT_SIZE, 3],
          dtype: 'float32',
          description: 'face crop, 112×112 RGB, raw 0..255 values (normalisation is inside the model)',
        },
      ],
      outputs: [
        {
          name: EXPRESSION_OUTPUT,
          shape: ['N', EXPRESSIONS.length],
          dtype: 'float32',
          labels: [...EXPRESSIONS],
          description:
            `softmax probabilities in the paper's order (contracts/labels.ts EXPRESSIONS); face-api's own order ` +
            `(${FACEAPI_EXPRESSION_LABELS.join(', ')}) is permuted inside the graph`,
        },
      ],
      preprocessing: {
        input: 'image',
        size: { width: FACEAPI_INPUT_SIZE, height: FACEAPI_INPUT_SIZE },
        layout: 'NHWC',
        colourOrder: 'RGB',
        dtype: 'float32',
        scaling: 'none by the caller: feed 0..255',
        normalisationInsideModel: true,
        normalisation: `(x − [${FACEAPI_MEAN_RGB.join(', ')}]) / 255 per channel R, G, B, inside the graph (FaceFeatureExtractor.forwardInput)`,
        crop:
          'as face-api does (dom/extractFaceTensors.ts + dom/NetInput.ts toBatchTensor(112, isCenterInputs=true) + ops/padToSquare.ts): ' +
          'take the face box in frame pixels (face-api: the detection box, or alignedRect when landmarks were computed), clip it to the ' +
          'frame and floor x, y, width, height; cut that region out; pad the shorter side with zeros to a square — round(d/2) rows or ' +
          'columns after the image and d − round(d/2) before it, where d = |height − width| (an odd d puts the extra pixel after); ' +
          'resize to 112×112. Expression accuracy depends on the box: face-api was used with its SSD/tiny-detector boxes, which are ' +
          'tighter than a 1.2–1.4× enlarged BlazeFace box.',
        resize:
          'bilinear, tf.image.resizeBilinear(alignCorners=false, halfPixelCenters=false): source coordinate = destination index × (in/out); ' +
          'skipped when the square is already 112×112',
        reference: `${pkg.name}@${pkg.version} src/faceExpressionNet, src/faceFeatureExtractor, src/dom/NetInput.ts`,
      },
      provenance: {
        status: 'pretrained',
        source: `npm ${pkg.name}@${pkg.version} ${FILES.join(' + ')} (face-api.js FaceExpressionNet)`,
        licence: `${pkg.licence} (npm package; face-api.js by Vincent Mühler, MIT)`,
        notes:
          'architecture re-expressed from face-api code as a tfjs graph and converted by affectcast tfjs→ONNX (opset 13); uint8 ' +
          "quantised weights expanded as tfjs does; classes permuted to the paper's order; equals face-api's own forward pass " +
          '(cpu backend) within 1e-4 (test/unit/models). Training data per face-api.js: public datasets and web-scraped images.',
      },
    };
  },
};
