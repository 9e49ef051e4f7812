// Label orders shared by every model, estimator, event and page. The order is the Aff-Wild2 paper's
// (Kollias & Zafeiriou), so index i means the same class everywhere in affectcast.

export const EXPRESSIONS = ['neutral', 'anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise'] as const;
export type Expression = (typeof EXPRESSIONS)[number];

export const ACTION_UNITS = ['AU1', 'AU2', 'AU4', 'AU6', 'AU12', 'AU15', 'AU20', 'AU25'] as const;
export type ActionUnit = (typeof ACTION_UNITS)[number];

/** MediaPipe Blendshape V2's 52 outputs in model order (ARKit names; 'Left'/'Right' are the subject's own sides). */
export const BLENDSHAPES = [
  '_neutral', 'browDownLeft', 'browDownRight', 'browInnerUp', 'browOuterUpLeft', 'browOuterUpRight', 'cheekPuff',
  'cheekSquintLeft', 'cheekSquintRight', 'eyeBlinkLeft', 'eyeBlinkRight', 'eyeLookDownLeft', 'eyeLookDownRight',
  'eyeLookInLeft', 'eyeLookInRight', 'eyeLookOutLeft', 'eyeLookOutRight', 'eyeLookUpLeft', 'eyeLookUpRight',
  'eyeSquintLeft', 'eyeSquintRight', 'eyeWideLeft', 'eyeWideRight', 'jawForward', 'jawLeft', 'jawOpen', 'jawRight',
  'mouthClose', 'mouthDimpleLeft', 'mouthDimpleRight', 'mouthFrownLeft', 'mouthFrownRight', 'mouthFunnel', 'mouthLeft',
  'mouthLowerDownLeft', 'mouthLowerDownRight', 'mouthPressLeft', 'mouthPressRight', 'mouthPucker', 'mouthRight',
  'mouthRollLower', 'mouthRollUpper', 'mouthShrugLower', 'mouthShrugUpper', 'mouthSmileLeft', 'mouthSmileRight',
  'mouthStretchLeft', 'mouthStretchRight', 'mouthUpperUpLeft', 'mouthUpperUpRight', 'noseSneerLeft', 'noseSneerRight',
] as const;
export type Blendshape = (typeof BLENDSHAPES)[number];

/** Provenance of a value that this model profile has no source for. */
export const UNAVAILABLE = 'unavailable';
