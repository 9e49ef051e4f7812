// face-api's FaceExpressionNet written out as a tfjs graph, so the generic converter can translate it.
// face-api ships only weights (a weights manifest); the architecture lives in its code:
//   FaceFeatureExtractor.forwardInput: (x - meanRgb) / 255 → denseBlock4 ×4 → avgPool 7×7 stride 2 valid
//   FaceProcessor.runNet: fully connected 256 → 7;  FaceExpressionNet.forwardInput: softmax
// and this file mirrors those functions op for op (see @vladmandic/face-api src/faceFeatureExtractor).
// Two things are added inside the graph so consumers cannot get them wrong: face-api's normalisation,
// and the class permutation into the paper's label order (the FC's output columns are permuted, which is
// exactly a Gather after the softmax since softmax commutes with permutations).
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { dimAt, product } from '../convert/arrays.js';
import { decodeWeights, type WeightMap } from '../convert/decodeWeights.js';
import { WeightGroupSchema, type TfNode, type TfjsGraph } from '../convert/tfjsModel.js';
import { faceApiToPaperOrder } from './labelOrder.js';

export const FACEAPI_EXPRESSION_FILES = ['face_expression_model-weights_manifest.json', 'face_expression_model.bin'] as const;
/** meanRgb in FaceFeatureExtractor.forwardInput. */
export const FACEAPI_MEAN_RGB = [122.782, 117.001, 104.298] as const;
export const FACEAPI_INPUT_SIZE = 112;
export const EXPRESSION_INPUT = 'input';
export const EXPRESSION_OUTPUT = 'expressions';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Builds the node list; `constant` records graph-only constants (mean, divisor, flatten shape). */
class GraphWriter {
  readonly nodes: TfNode[] = [];

  constructor(private readonly weights: WeightMap) {}

  constant(name: string, values: number[], shape: number[], dtype: 'float32' | 'int32' = 'float32'): string {
    const data = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
    this.weights.set(name, { shape, dtype, data });
    this.nodes.push({ name, op: 'Const' });
    return name;
  }

  op(name: string, op: string, input: string[], attr: TfNode['attr'] = {}): string {
    this.nodes.push({ name, op, input, attr });
    return name;
  }

  conv(name: string, op: 'Conv2D' | 'DepthwiseConv2dNative', x: string, filter: string, stride: number, padding: 'SAME' | 'VALID'): string {
    return this.op(name, op, [x, filter], {
      strides: { list: { i: [1, stride, stride, 1] } },
      padding: { s: b64(padding) },
      data_format: { s: b64('NHWC') },
      dilations: { list: { i: [1, 1, 1, 1] } },
    });
  }

  /** common/depthwiseSeparableConv: tf.separableConv2d(x, dw, pw, stride, 'same') + bias. */
  separableConv(prefix: string, x: string, stride: number): string {
    const dw = this.conv(`${prefix}/dw`, 'DepthwiseConv2dNative', x, `${prefix}/depthwise_filter`, stride, 'SAME');
    const pw = this.conv(`${prefix}/pw`, 'Conv2D', dw, `${prefix}/pointwise_filter`, 1, 'VALID');
    return this.op(`${prefix}/bias_add`, 'AddV2', [pw, `${prefix}/bias`]);
  }

  relu(name: string, x: string): string {
    return this.op(name, 'Relu', [x]);
  }

  add(name: string, a: string, b: string): string {
    return this.op(name, 'AddV2', [a, b]);
  }

  /** faceFeatureExtractor/denseBlock.ts denseBlock4 (isScaleDown = true). */
  denseBlock4(b: string, x: string, isFirstLayer: boolean): string {
    const c0 = isFirstLayer
      ? this.add(`${b}/conv0/bias_add`, this.conv(`${b}/conv0/conv`, 'Conv2D', x, `${b}/conv0/filters`, 2, 'SAME'), `${b}/conv0/bias`)
      : this.separableConv(`${b}/conv0`, x, 2);
    const out1 = this.relu(`${b}/out1`, c0);
    const out2 = this.separableConv(`${b}/conv1`, out1, 1);
    const in3 = this.relu(`${b}/in3`, this.add(`${b}/add12`, out1, out2));
    const out3 = this.separableConv(`${b}/conv2`, in3, 1);
    const in4 = this.relu(`${b}/in4`, this.add(`${b}/add123`, out1, this.add(`${b}/add23`, out2, out3)));
    const out4 = this.separableConv(`${b}/conv3`, in4, 1);
    const sum = this.add(`${b}/add1234`, out1, this.add(`${b}/add234`, out2, this.add(`${b}/add34`, out3, out4)));
    return this.relu(`${b}/out`, sum);
  }
}

/** Permutes the columns of the [256,7] FC weights and the bias into the paper's order. */
function permuteClassifier(weights: WeightMap, perm: readonly number[]): void {
  const w = weights.get('fc/weights');
  const bias = weights.get('fc/bias');
  if (!w || !bias || w.shape.length !== 2 || dimAt(w.shape, 1) !== perm.length || product(bias.shape) !== perm.length) {
    throw new Error(`face-api expression weights: unexpected classifier (fc/weights [${w?.shape.join(',')}])`);
  }
  const rows = dimAt(w.shape, 0);
  const cols = perm.length;
  const newW = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) newW[r * cols + j] = w.data[r * cols + dimAt(perm, j)] ?? 0;
  const newB = Float32Array.from(perm, (p) => bias.data[p] ?? 0);
  weights.set('fc/weights', { ...w, data: newW });
  weights.set('fc/bias', { ...bias, data: newB });
}

/** `modelDir` is face-api's model/ folder (it holds the weights manifest and .bin). */
export function faceApiExpressionGraph(modelDir: string): TfjsGraph {
  const manifestPath = path.join(modelDir, FACEAPI_EXPRESSION_FILES[0]);
  const groups = z.array(WeightGroupSchema).parse(JSON.parse(fs.readFileSync(manifestPath, 'utf8')));
  const buffers = groups.map((g) => Buffer.concat(g.paths.map((p) => fs.readFileSync(path.join(modelDir, p)))));
  const weights = decodeWeights(groups, buffers);
  permuteClassifier(weights, faceApiToPaperOrder());

  const g = new GraphWriter(weights);
  for (const name of weights.keys()) g.nodes.push({ name, op: 'Const' });
  g.nodes.push({
    name: EXPRESSION_INPUT,
    op: 'Placeholder',
    attr: { shape: { shape: { dim: [{ size: -1 }, { size: FACEAPI_INPUT_SIZE }, { size: FACEAPI_INPUT_SIZE }, { size: 3 }] } } },
  });
  // ops/normalize.ts subtracts meanRgb, then FaceFeatureExtractor divides by 255 (a real division, as
  // face-api does, rather than a multiplication by 1/255 that would differ in the last bit).
  let x = g.op('norm/sub', 'Sub', [EXPRESSION_INPUT, g.constant('norm/mean_rgb', [...FACEAPI_MEAN_RGB], [3])]);
  x = g.op('norm/div', 'RealDiv', [x, g.constant('norm/255', [255], [])]);
  x = g.denseBlock4('dense0', x, true);
  x = g.denseBlock4('dense1', x, false);
  x = g.denseBlock4('dense2', x, false);
  x = g.denseBlock4('dense3', x, false);
  x = g.op('avgpool', 'AvgPool', [x], {
    ksize: { list: { i: [1, 7, 7, 1] } },
    strides: { list: { i: [1, 2, 2, 1] } },
    padding: { s: b64('VALID') },
    data_format: { s: b64('NHWC') },
  });
  x = g.op('flatten', 'Reshape', [x, g.constant('flatten/shape', [-1, 256], [2], 'int32')]);
  x = g.op('fc/add', 'AddV2', [g.op('fc/matmul', 'MatMul', [x, 'fc/weights']), 'fc/bias']);
  g.op(EXPRESSION_OUTPUT, 'Softmax', [x]);
  return { name: 'faceapi_expression', nodes: g.nodes, weights };
}
