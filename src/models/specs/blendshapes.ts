// MediaPipe Blendshape V2 (52 ARKit-style coefficients from 146 FaceMesh V2 landmarks), from the vendored
// Face Landmarker bundle.
import { BLENDSHAPE_LANDMARKS, BLENDSHAPE_NAMES } from '../../analyzer/blendshapes/blendshapeNames.js';
import { convertTflite } from '../convert/tflite/convertTflite.js';
import { BUNDLE_MEMBERS, bundleSource } from '../tflite/faceLandmarkerBundle.js';
import { bundleMemberGraph, bundleMemberSpec, bundleSourceText, encodeBundleModel } from './mediapipeTflite.js';
import type { ModelSpec } from './ModelSpec.js';

export const BLENDSHAPES_ID = 'mediapipe-blendshapes';
const MEMBER = BUNDLE_MEMBERS.blendshapes;
const POINTS = BLENDSHAPE_LANDMARKS.length;

export const blendshapesSpec: ModelSpec = {
  ...bundleMemberSpec(BLENDSHAPES_ID, MEMBER),

  convert(pkg) {
    const graph = bundleMemberGraph(pkg, MEMBER);
    const input = graph.tensors[graph.inputs[0] ?? -1];
    const output = graph.outputs[0];
    if (input?.shape.join(',') !== `1,${POINTS},2` || output === undefined || graph.tensors[output]?.shape.join(',') !== String(BLENDSHAPE_NAMES.length)) {
      throw new Error(`${MEMBER}: expected [1,${POINTS},2] → [${BLENDSHAPE_NAMES.length}]`);
    }
    // Batch stays 1: the net's reshapes fold the point axis into fixed shapes, and one face is one run.
    const conv = convertTflite(graph, { dynamicBatch: false, inputNames: ['points'] });
    const b = conv.builder;
    const scores = b.node('Reshape', [conv.tensor(output), b.initializer('shape', [1, BLENDSHAPE_NAMES.length], [2], 'int64')]);
    b.output('blendshapes', scores, [1, BLENDSHAPE_NAMES.length]);
    return { bytes: encodeBundleModel(b, BLENDSHAPES_ID, pkg, MEMBER), nodeCount: b.nodeCount };
  },

  describe(pkg) {
    return {
      inputs: [
        {
          name: 'points',
          shape: [1, POINTS, 2],
          dtype: 'float32',
          description:
            `${POINTS} of the 478 FaceMesh V2 landmarks (MediaPipe's kLandmarksSubsetIdxs: ${BLENDSHAPE_LANDMARKS.join(' ')}) as ` +
            '(x, y) in image pixels. The net centres and scale-normalises them itself.',
        },
      ],
      outputs: [
        {
          name: 'blendshapes',
          shape: [1, BLENDSHAPE_NAMES.length],
          dtype: 'float32',
          labels: [...BLENDSHAPE_NAMES],
          description: '52 blendshape coefficients in [0, 1] (sigmoid applied inside the model); ARKit-style animation channels, not FACS action units',
        },
      ],
      preprocessing: {
        input: 'points',
        landmarks: 'FaceMesh V2 (mediapipe-facemesh-v2) landmarks mapped back to the frame; x · image width, y · image height in MediaPipe terms',
        subset: [...BLENDSHAPE_LANDMARKS],
        normalisationInsideModel: true,
        reference: 'MediaPipe face_blendshapes graph (face_blendshapes.tflite)',
      },
      provenance: {
        status: 'pretrained',
        source: bundleSourceText(MEMBER),
        licence: pkg.licence,
        notes:
          'converted by affectcast TFLite→ONNX (opset 13), float16 weights expanded to float32; on the same landmarks it agrees with ' +
          "MediaPipe's own runtime within 0.02 per coefficient (test/unit/models/mediapipe.test.ts).",
      },
    };
  },
};
