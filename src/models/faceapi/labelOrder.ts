// face-api's FaceExpressionNet emits its classes in its own order; affectcast uses the paper's order
// everywhere (src/contracts/labels.ts). The permutation is derived from the names, not typed by hand.
import { EXPRESSIONS, type Expression } from '../../contracts/labels.js';

/** FACE_EXPRESSION_LABELS in @vladmandic/face-api src/faceExpressionNet/FaceExpressions.ts. */
export const FACEAPI_EXPRESSION_LABELS = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'] as const;
export type FaceApiExpression = (typeof FACEAPI_EXPRESSION_LABELS)[number];

const TO_PAPER: Readonly<Record<FaceApiExpression, Expression>> = {
  neutral: 'neutral',
  happy: 'happiness',
  sad: 'sadness',
  angry: 'anger',
  fearful: 'fear',
  disgusted: 'disgust',
  surprised: 'surprise',
};

/** perm[j] = index in face-api's output of the paper's class j (a Gather index list). */
export function faceApiToPaperOrder(): number[] {
  return EXPRESSIONS.map((expression) => {
    const i = FACEAPI_EXPRESSION_LABELS.findIndex((label) => TO_PAPER[label] === expression);
    if (i < 0) throw new Error(`face-api has no class for '${expression}'`);
    return i;
  });
}
