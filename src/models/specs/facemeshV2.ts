// MediaPipe FaceMesh V2 with irises (478 landmarks) at 256×256, from the vendored Face Landmarker bundle.
import { convertTflite } from '../convert/tflite/convertTflite.js';
import { BUNDLE_MEMBERS, bundleSource } from '../tflite/faceLandmarkerBundle.js';
import { bundleMemberGraph, bundleMemberSpec, bundleSourceText, encodeBundleModel } from './mediapipeTflite.js';
import type { ModelSpec } from './ModelSpec.js';

export const FACEMESH_V2_ID = 'mediapipe-facemesh-v2';
export const FACEMESH_V2_SIZE = 256;
export const FACEMESH_V2_POINTS = 478;
const MEMBER = BUNDLE_MEMBERS.landmarks;

export const facemeshV2Spec: ModelSpec = {
  ...bundleMemberSpec(FACEMESH_V2_ID, MEMBER),

  convert(pkg) {
    const graph = bundleMemberGraph(pkg, MEMBER);
    const conv = convertTflite(graph, { dynamicBatch: true, inputNames: ['image'] });
    const [landmarks, presence] = graph.outputs;
    const width = graph.tensors[landmarks ?? -1]?.shape.at(-1);
    if (landmarks === undefined || presence === undefined || width !== FACEMESH_V2_POINTS * 3) {
      throw new Error(`${MEMBER}: expected outputs [1,1,1,${FACEMESH_V2_POINTS * 3}] landmarks and [1,1,1,1] face presence`);
    }
    const b = conv.builder;
    const flat = (t: string, w: number) => b.node('Reshape', [t, b.initializer('shape', [0, w], [2], 'int64')]);
    b.output('landmarks', flat(conv.tensor(landmarks), width), ['N', width]);
    // The file gives the face-presence logit; MediaPipe applies the sigmoid in its graph, so does this one.
    b.output('faceflag', b.node('Sigmoid', [flat(conv.tensor(presence), 1)]), ['N', 1]);
    return { bytes: encodeBundleModel(b, FACEMESH_V2_ID, pkg, MEMBER), nodeCount: b.nodeCount };
  },

  describe(pkg) {
    return {
      inputs: [
        {
          name: 'image',
          shape: ['N', FACEMESH_V2_SIZE, FACEMESH_V2_SIZE, 3],
          dtype: 'float32',
          description: 'square face crop rotated upright and resized to 256×256, RGB scaled to [0, 1] (see preprocessing)',
        },
      ],
      outputs: [
        {
          name: 'landmarks',
          shape: ['N', FACEMESH_V2_POINTS * 3],
          dtype: 'float32',
          description:
            '478 landmarks × (x, y, z), point-major: 468 face points, then the right iris (468–472) and the left iris (473–477), ' +
            'as MediaPipe orders them. x, y in input pixels (0..256, origin top-left); z is relative depth in the same pixel scale.',
        },
        { name: 'faceflag', shape: ['N', 1], dtype: 'float32', description: 'probability that the crop holds a face (sigmoid of the model\'s logit)' },
      ],
      preprocessing: {
        input: 'image',
        size: { width: FACEMESH_V2_SIZE, height: FACEMESH_V2_SIZE },
        layout: 'NHWC',
        colourOrder: 'RGB',
        dtype: 'float32',
        scaling: 'x / 255 (0..255 → [0, 1]); done by the caller, not inside the model',
        crop:
          "MediaPipe's face landmark ROI: the detector's box enlarged about its centre (MediaPipe uses 1.5), squared to its longer " +
          'side, rotated so that the line between the eyes is horizontal. Pixels outside the frame are 0. Landmarks map back ' +
          'through the inverse of the same rotation and scale.',
        resize: 'bilinear',
        normalisationInsideModel: false,
        reference: 'MediaPipe face_landmarker graph (face_landmarks_detector.tflite)',
      },
      provenance: {
        status: 'pretrained',
        source: bundleSourceText(MEMBER),
        licence: pkg.licence,
        notes:
          'converted by affectcast TFLite→ONNX (opset 13), float16 weights expanded to float32; agrees with MediaPipe\'s own ' +
          'runtime (@mediapipe/tasks-vision) on real photos (test/unit/models/mediapipe.test.ts).',
      },
    };
  },
};
