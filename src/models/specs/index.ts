// The default profile's models, in the order `models build` converts them.
import { blazefaceSpec } from './blazeface.js';
import { faceApiExpressionSpec } from './faceapiExpression.js';
import { blendshapesSpec } from './blendshapes.js';
import { facemeshV2Spec } from './facemeshV2.js';
import type { ModelSpec } from './ModelSpec.js';

export const MODEL_SPECS: readonly ModelSpec[] = [blazefaceSpec, facemeshV2Spec, blendshapesSpec, faceApiExpressionSpec];

export const DEFAULT_MODEL_IDS = MODEL_SPECS.map((s) => s.id);

export type { ModelSpec } from './ModelSpec.js';
