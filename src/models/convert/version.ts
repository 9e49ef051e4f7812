// Bump CONVERTER_VERSION whenever a change here or in a model spec changes what `models build` writes
// (graph, names, manifest contents). Every manifest's `version` embeds it, so `models build` reconverts
// existing models after an upgrade instead of trusting files written by older code.
export const CONVERTER_VERSION = 2;

export const CONVERTER_NAME = 'affectcast-tfjs2onnx';
/** The TFLite converter (src/models/convert/tflite) shares the version: both write through OnnxGraphBuilder. */
export const TFLITE_CONVERTER_NAME = 'affectcast-tflite2onnx';
